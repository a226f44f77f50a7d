insight.ack
{"id": 2, "note": "calling the school this week"}