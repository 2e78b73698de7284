package io.sipwake.sip.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CSeq (RFC 3261 §20.16, §8.1.1.5). */
class CSeqTest {

    @Test
    void parsesNumberAndMethodAcrossLinearWhiteSpace() {
        CSeq c = CSeq.parse(" 0009 \t INVITE ");
        assertThat(c.number()).isEqualTo(9);
        assertThat(c.method()).isEqualTo("INVITE");
        assertThat(c.toString()).isEqualTo("9 INVITE");
    }

    @Test
    void largestAllowedNumberIsTwoToThe31MinusOne() {
        assertThat(CSeq.parse("2147483647 REGISTER").number()).isEqualTo(CSeq.MAX);
        assertThatThrownBy(() -> CSeq.parse("2147483648 REGISTER")).isInstanceOf(SipSyntaxException.class);
    }

    @Test
    void overlargeNumberIsRejected_rfc4475scalar02() {
        assertThatThrownBy(() -> CSeq.parse("36893488147419103232 REGISTER")).isInstanceOf(SipSyntaxException.class);
    }

    @Test
    void methodMayBeAnyToken() {
        assertThat(CSeq.parse("139122385 !interesting-Method0123456789_*+`.%indeed'~").method())
                .isEqualTo("!interesting-Method0123456789_*+`.%indeed'~");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "INVITE", "1", "1INVITE", "-1 INVITE", "1 IN VITE", "1 INV@TE", "x 1"})
    void malformedCSeqIsRejected(String text) {
        assertThatThrownBy(() -> CSeq.parse(text)).isInstanceOf(SipSyntaxException.class);
    }
}
