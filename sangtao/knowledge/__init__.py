"""Knowledge that travels between agencies: cases, lessons learned, and reuse before reinvention."""
