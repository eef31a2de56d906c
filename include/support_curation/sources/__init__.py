"""One module per source system; every source stages the same contract (``contract.StagedConversation``)."""

# What a run extracts, in this order (the DAG maps its extract task over it, the CLI loops over it).
# A source with nothing landed for the interval extracts 0 conversations; it is never an error.
SOURCES: tuple[str, ...] = ("tickets", "chat", "social")
