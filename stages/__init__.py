"""isnad processing stages: one spaCy component per file.

Importing this package registers every factory with spaCy.  A stage takes a Doc and
returns it, reading and writing only ``Doc._`` extensions (see :mod:`stages.model`);
stages never import :mod:`pipeline`.
"""
from . import model  # noqa: F401  (registers Doc extensions)
from . import normalizer, quotemarks, sentencizer, cues, content, speakers, relays, attribution, confidence  # noqa: F401

# The order in which the components run, and what each needs and gives; the
# pipeline checks this chain at start-up (pipeline.nlp.check_chain).
STAGES = [
    ("isnad_normalizer", [], ["doc._.isnad_norm"]),
    ("isnad_quotemarks", ["doc._.isnad_norm"], ["doc._.isnad_marks", "doc._.isnad_paragraphs"]),
    ("isnad_sentencizer", ["doc._.isnad_norm", "doc._.isnad_marks"], ["doc._.isnad_sentences", "token.is_sent_start"]),
    ("isnad_cues", ["doc._.isnad_norm", "doc._.isnad_sentences"], ["doc._.isnad_cues"]),
    ("isnad_content", ["doc._.isnad_cues", "doc._.isnad_marks", "doc._.isnad_sentences"], ["doc._.isnad_quotes"]),
    ("isnad_speakers", ["doc._.isnad_quotes"], ["doc._.isnad_speakers"]),
    ("isnad_relays", ["doc._.isnad_quotes", "doc._.isnad_speakers"], ["doc._.isnad_relays"]),
    ("isnad_attribution", ["doc._.isnad_quotes", "doc._.isnad_relays"], ["doc.spans"]),
    ("isnad_confidence", ["doc._.isnad_quotes", "doc._.isnad_speakers", "doc._.isnad_relays"],
     ["doc._.isnad_confidence"]),
]
