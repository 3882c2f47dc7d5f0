"""Extract: who and what an article mentions, and when.

    mentions  the stage for a batch of articles: entity and date mentions, and quotes
    entities  spaCy NER in batches, the model loaded once a process
    tagging   raw text tagged as given, for `newslake tag` and the evaluations in bench/

The rules they apply live in their own packages: `newslake.dates` (the temporal
tagger), `newslake.canonical` (one name, label and place per entity) and
`newslake.quotes` (quotations and their speakers).
"""
