"""WebSub push for the producer: `protocol` (the W3C subscriber: subscribe, verify intents, check
signed pushes) and `attach` (subscribing the feeds that advertise a hub and handing verified
pushes to the producer service)."""
