"""The partners' pages: agency staff's (keys, partners' reads), a partner's own users', and the participant's
"Data saya" (consents, who looked at my data, the JAKI link). Each module ends with its `urls`."""
