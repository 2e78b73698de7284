package io.sipwake.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.SipResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Choosing the response to send when every branch has failed: RFC 3261 §16.7 steps 6 and 7. */
class BestResponseTest {

    private static SipResponse response(int status, String... challenges) {
        SipResponse r = new SipResponse(status, SipResponse.defaultReason(status), List.of());
        for (String c : challenges) r.addHeader(status == 407 ? "Proxy-Authenticate" : "WWW-Authenticate", c);
        return r;
    }

    private static int best(SipResponse... responses) {
        SipResponse best = null;
        for (SipResponse r : responses) best = ResponseContext.better(best, r);
        return best.status();
    }

    @Test
    void a6xxBeatsEverything() {
        assertThat(best(response(404), response(603), response(486))).isEqualTo(603);
        assertThat(best(response(603), response(302))).isEqualTo(603);
    }

    @Test
    void theLowestClassWins() {
        assertThat(best(response(503), response(486))).isEqualTo(486);
        assertThat(best(response(486), response(302))).isEqualTo(302);
    }

    @Test
    void challengesOfSeveralBranchesAreMerged_16_7_step7() {
        SipResponse merged = ResponseContext.better(response(401, "Digest realm=\"a\""), response(401, "Digest realm=\"b\""));
        assertThat(merged.headerValues("WWW-Authenticate")).containsExactly("Digest realm=\"a\"", "Digest realm=\"b\"");
    }

    @Test
    void aChallengeIsPreferredWithinItsClassSoAuthenticationCanProceed() {
        assertThat(best(response(404), response(407, "Digest realm=\"x\""))).isEqualTo(407);
    }
}
