from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class EvaluationConfig(AppConfig):
    name = "sangtao.evaluation"
    verbose_name = pgettext_lazy("app", "Đánh giá kết quả")
    label = "evaluation"
