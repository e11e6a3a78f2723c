"""How well an expert's profile fits a proposal: TF-IDF over folded Vietnamese text.

Vietnamese writes one syllable per word-token ("giao thông", "bệnh viện"), so the
terms are folded syllables plus adjacent-syllable pairs: the pairs stand in for
word segmentation and keep "giao thông" apart from "giao dịch". Folding makes a
profile typed without diacritics match one typed with them.
"""

import math
from collections import Counter

import numpy as np
from scipy import sparse

from sangtao.core.text import folded_words

# Frequent function syllables that carry no topic.
STOP = frozenset(
    ["va", "cua", "cho", "cac", "nhung", "la", "co", "duoc", "trong", "voi", "mot", "de", "khi", "tu", "tai", "ve", "nay", "theo", "nhu", "da", "se", "the", "hoac", "cung", "tren", "duoi", "ra", "vao", "do", "and", "of", "the", "to", "in", "for", "a", "an", "on", "with", "by", "is", "are"]
)


def terms(text: str) -> list[str]:
    syllables = [w for w in folded_words(text) if w not in STOP and not w.isdigit()]
    return syllables + [f"{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False)]


def _weights(documents: list[list[str]], vocabulary: dict[str, int], idf: np.ndarray) -> sparse.csr_matrix:
    rows, cols, values = [], [], []
    for row, document in enumerate(documents):
        for term, count in Counter(document).items():
            column = vocabulary.get(term)
            if column is not None:
                rows.append(row)
                cols.append(column)
                values.append((1 + math.log(count)) * idf[column])
    matrix = sparse.csr_matrix((values, (rows, cols)), shape=(len(documents), len(vocabulary)))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sparse.diags(1 / norms) @ matrix


def text_similarity(proposal_texts: list[str], expert_texts: list[str]) -> np.ndarray:
    """Cosine similarity of TF-IDF vectors: a proposals x experts array in [0, 1]."""
    proposal_terms = [terms(t) for t in proposal_texts]
    expert_terms = [terms(t) for t in expert_texts]
    document_frequency: Counter[str] = Counter()
    for document in proposal_terms + expert_terms:
        document_frequency.update(set(document))
    vocabulary = {term: index for index, term in enumerate(sorted(document_frequency))}
    n_documents = len(proposal_terms) + len(expert_terms)
    idf = np.array([math.log((1 + n_documents) / (1 + document_frequency[t])) + 1 for t in vocabulary])
    similarity = _weights(proposal_terms, vocabulary, idf) @ _weights(expert_terms, vocabulary, idf).T
    return np.asarray(similarity.todense())


def affinity_matrix(proposal_texts: list[str], expert_texts: list[str], proposal_fields: list[int | None],
                    expert_fields: list[set[int]], field_bonus: float) -> np.ndarray:
    """Text similarity plus a bonus where the expert declared the proposal's field."""
    scores = text_similarity(proposal_texts, expert_texts)
    index = {field_id: i for i, field_id in enumerate(sorted({f for fields in expert_fields for f in fields}))}
    declared = np.zeros((len(index), len(expert_fields)), dtype=bool)
    for column, fields in enumerate(expert_fields):
        for declared_id in fields:
            declared[index[declared_id], column] = True
    for row, proposal_field in enumerate(proposal_fields):
        if proposal_field in index:
            scores[row] += field_bonus * declared[index[proposal_field]]
    return scores


def shared_terms(proposal_text: str, expert_text: str, limit: int = 5) -> list[str]:
    """The strongest terms two texts share, for explaining a pair ('why')."""
    expert = set(terms(expert_text))
    counts = Counter(t for t in terms(proposal_text) if t in expert)
    ranked = sorted(counts, key=lambda t: (-("_" in t), -counts[t], t))
    return [t.replace("_", " ") for t in ranked[:limit]]
