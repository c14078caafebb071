"""Partner voice: the organisations a chapter works with say how the chapter's allyship
looked from where they stand — asked rarely, briefly, in their language, without an
account — and the chapter says what it did about it (docs/partner-voice.md)."""
