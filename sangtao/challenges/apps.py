from django.apps import AppConfig


class ChallengesConfig(AppConfig):
    name = "sangtao.challenges"
    label = "challenges"
