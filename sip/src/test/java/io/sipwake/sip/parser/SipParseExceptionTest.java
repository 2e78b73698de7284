package io.sipwake.sip.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.sip.message.Header;
import io.sipwake.sip.message.SipRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SipParseException}: a reason phrase fit for a status line, and when a refusal can be answered. */
class SipParseExceptionTest {

    @Test
    void reasonPhraseQuotingTheInputIsMadePrintableAscii() {
        SipParseException e = new SipParseException(400, "bad To: '\"a\r\nInjected: yes\u0000\u00e9'", null);
        assertThat(e.getMessage()).isEqualTo("bad To: '\"a??Injected: yes??'");
    }

    @Test
    void reasonPhraseIsCappedAt200Characters() {
        assertThat(new SipParseException(400, "x".repeat(500), null).getMessage()).hasSize(200);
    }

    @Test
    void missingReasonBecomesBadRequest() {
        assertThat(new SipParseException(400, null, null).getMessage()).isEqualTo("Bad Request");
        assertThat(new SipParseException(400, "", null).getMessage()).isEqualTo("Bad Request");
    }

    @Test
    void dropHasNothingToAnswer() {
        SipParseException e = new SipParseException(0, "junk", null);
        assertThat(e.status()).isZero();
        assertThat(e.partialRequest()).isNull();
        assertThat(e.isAnswerable()).isFalse();
    }

    @Test
    void requestWithAViaIsAnswerableEvenWhenTheViaIsMangled() {
        SipRequest partial = new SipRequest("INVITE", null, List.of(new Header("Via", "SIP/2.0/UDP h;branch=z9hG4bK1")));
        SipRequest badVia = new SipRequest("INVITE", null, List.of(new Header("Via", "SIP/2.0/UDP ;;")));
        assertThat(new SipParseException(400, "bad", partial).isAnswerable()).isTrue();
        assertThat(new SipParseException(400, "bad", badVia).isAnswerable()).isTrue();
    }

    @Test
    void requestWithoutViaIsNotAnswerable() {
        SipRequest noVia = new SipRequest("INVITE", null, List.of(new Header("Call-ID", "x")));
        assertThat(new SipParseException(400, "bad", noVia).isAnswerable()).isFalse();
    }

    @Test
    void hasNoStackTraceToFill() {
        assertThat(new SipParseException(400, "bad", null).getStackTrace()).isEmpty();
    }
}
