"""Every text the API takes has a length limit, as the pages' forms have (issue 10: every value read from
a request passes a form or schema first). The documents themselves (a challenge's or a proposal's long
sections) are bounded only by the size of a request, as on their pages."""

from conftest import openapi_schema

# (schema, property): the sections of the two documents people write at length.
LONG_FORM = {(schema, name) for schema in ("ChallengeIn", "ChallengeUpdate")
             for name in ("problem_statement", "current_situation", "desired_outcomes", "beneficiaries",
                          "related_services", "constraints", "timeline_notes")} | {
            (schema, name) for schema in ("ProposalIn", "ProposalCreate", "ProposalUpdate")
            for name in ("summary", "approach", "experience", "risks")}

# Decimals (core.api_input.Quantity) in a schema that is also an answer's, where OpenAPI shows them as text;
# their digits are bounded (test_bad_input).
DECIMALS = {("IndicatorSchema", "baseline_value"), ("IndicatorSchema", "target_value")}


def _unbounded_texts(name: str, schema: dict) -> set[tuple[str, str]]:
    found = set()
    for prop, spec in schema.get("properties", {}).items():
        options = spec.get("anyOf", [spec])
        if any(option.get("type") in ("number", "integer") for option in options):
            continue  # a decimal, taken as a number or its text, bounded by its digits
        if any(option.get("type") == "string" and not ({"maxLength", "enum", "pattern", "format"} & set(option))
               for option in options):
            found.add((name, prop))
    return found


def _input_schemas() -> dict[str, dict]:
    """The component schemas request bodies use, and the query parameters of each operation as one."""
    schema = openapi_schema()
    components = schema["components"]["schemas"]
    used: dict[str, dict] = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get(
                "schema", {}).get("$ref")
            if ref:
                used[ref.rsplit("/", 1)[1]] = components[ref.rsplit("/", 1)[1]]
            params = {p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if params:
                used[f"{method.upper()} {path}"] = {"properties": params}
    # Nested inputs (a proposal's team rows, a scoresheet's scores).
    for name in list(used):
        for spec in used[name].get("properties", {}).values():
            for ref in [spec.get("$ref"), spec.get("items", {}).get("$ref")]:
                if ref:
                    used.setdefault(ref.rsplit("/", 1)[1], components[ref.rsplit("/", 1)[1]])
    return used


def test_every_text_the_api_takes_has_a_length_limit_except_the_documents_long_sections():
    inputs = _input_schemas()
    assert {"ScoresheetIn", "ScoreIn", "TeamMember", "WithdrawIn"} <= set(inputs)  # nested ones are read too
    unbounded = set().union(*(_unbounded_texts(name, schema) for name, schema in inputs.items()))
    assert unbounded - LONG_FORM - DECIMALS == set()
