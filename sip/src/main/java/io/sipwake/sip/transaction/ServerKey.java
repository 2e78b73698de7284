package io.sipwake.sip.transaction;

import io.sipwake.sip.message.Via;

/**
 * Identifies an RFC 3261 server transaction (§17.2.3): the top Via branch and sent-by, and the
 * request method, with ACK counted as INVITE. Branches compare case-sensitively, sent-by hosts
 * case-insensitively (the Via parser lower-cases them).
 */
record ServerKey(String branch, String sentBy, String method) {

    static ServerKey of(Via top, String method) {
        String sentBy = top.port() < 0 ? top.host() : top.host() + ":" + top.port();
        return new ServerKey(top.branch(), sentBy, method);
    }
}
