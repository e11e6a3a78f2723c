from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "sangtao.evaluation"
    label = "evaluation"
