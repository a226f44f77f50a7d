process.move
{"id": 3, "to": "development_actions", "note": "the needs are mapped; the plan starts"}