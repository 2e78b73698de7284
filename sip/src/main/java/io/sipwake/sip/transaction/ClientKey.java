package io.sipwake.sip.transaction;

/** Identifies a client transaction (§17.1.3): the branch of the top Via and the CSeq method. */
record ClientKey(String branch, String method) {}
