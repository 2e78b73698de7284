package io.sipwake.sip.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 3261 §19.1.4 URI comparison, with the equal and non-equal pairs the section lists. */
class SipUriEquivalenceTest {

    private static boolean equivalent(String a, String b) {
        SipUri x = SipUri.parse(a);
        SipUri y = SipUri.parse(b);
        boolean forward = x.equivalentTo(y);
        assertThat(y.equivalentTo(x)).as("comparison is symmetric").isEqualTo(forward);
        return forward;
    }

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource(delimiter = '|', textBlock = """
        sip:%61lice@atlanta.com;transport=TCP                              | sip:alice@AtLanta.CoM;Transport=tcp
        sip:carol@chicago.com                                              | sip:carol@chicago.com;newparam=5
        sip:carol@chicago.com                                              | sip:carol@chicago.com;security=on
        sip:carol@chicago.com;newparam=5                                   | sip:carol@chicago.com;security=on
        sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com | sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com
        sip:alice@atlanta.com?subject=project%20x&priority=urgent          | sip:alice@atlanta.com?priority=urgent&subject=project%20x
        """)
    void equivalentPairsOfSection19_1_4(String a, String b) {
        assertThat(equivalent(a, b)).isTrue();
    }

    @ParameterizedTest(name = "{0} != {1}")
    @CsvSource(delimiter = '|', textBlock = """
        SIP:ALICE@AtLanta.CoM;Transport=udp    | sip:alice@AtLanta.CoM;Transport=UDP
        sip:bob@biloxi.com                     | sip:bob@biloxi.com:5060
        sip:bob@biloxi.com                     | sip:bob@biloxi.com;transport=udp
        sip:bob@biloxi.com                     | sip:bob@biloxi.com:6000;transport=tcp
        sip:carol@chicago.com                  | sip:carol@chicago.com?Subject=next%20meeting
        sip:bob@phone21.boxesbybob.com         | sip:bob@192.0.2.4
        sip:carol@chicago.com;security=on      | sip:carol@chicago.com;security=off
        """)
    void nonEquivalentPairsOfSection19_1_4(String a, String b) {
        assertThat(equivalent(a, b)).isFalse();
    }

    @Test
    void sipAndSipsUrisAreNeverEquivalent() {
        assertThat(equivalent("sip:alice@atlanta.com", "sips:alice@atlanta.com")).isFalse();
    }

    @Test
    void passwordsCompareCaseSensitively() {
        assertThat(equivalent("sip:alice:pw@atlanta.com", "sip:alice:PW@atlanta.com")).isFalse();
        assertThat(equivalent("sip:alice:%70w@atlanta.com", "sip:alice:pw@atlanta.com")).isTrue();
    }

    @Test
    void escapesCompareByTheOctetsTheyStandForEvenWhenThoseAreNotUtf8() {
        assertThat(equivalent("sip:%FF@h", "sip:%FE@h")).isFalse();
        assertThat(equivalent("sip:%ff@h", "sip:%FF@h")).isTrue();
        assertThat(equivalent("sip:h;x=%FF", "sip:h;x=%FE")).isFalse();
    }

    @Test
    void userTtlMethodAndMaddrMustMatchWhenPresentInEither() {
        assertThat(equivalent("sip:bob@biloxi.com;user=phone", "sip:bob@biloxi.com")).isFalse();
        assertThat(equivalent("sip:bob@biloxi.com;ttl=15", "sip:bob@biloxi.com")).isFalse();
        assertThat(equivalent("sip:bob@biloxi.com;method=INVITE", "sip:bob@biloxi.com")).isFalse();
        assertThat(equivalent("sip:bob@biloxi.com;maddr=239.255.255.1", "sip:bob@biloxi.com")).isFalse();
        assertThat(equivalent("sip:bob@biloxi.com;maddr=239.255.255.1", "sip:bob@biloxi.com;MADDR=239.255.255.1")).isTrue();
    }

    @Test
    void everyUriIsEquivalentToItselfEvenWithValuelessOrRepeatedParameters() {
        for (String u : new String[] {"sip:[::]:0;mad[::1];transport;transport=tcp", "sip:a@b;user", "sip:a@b;lr;lr=1", "sips:h;maddr"}) {
            assertThat(equivalent(u, u)).as(u).isTrue();
        }
        assertThat(equivalent("sip:a@b;transport", "sip:a@b")).isFalse();
        assertThat(equivalent("sip:a@b;transport", "sip:a@b;transport=udp")).isFalse();
    }

    @Test
    void otherParametersCompareCaseInsensitivelyAfterUnescaping() {
        assertThat(equivalent("sip:bob@biloxi.com;foo=BAR", "sip:bob@biloxi.com;foo=b%61r")).isTrue();
        assertThat(equivalent("sip:bob@biloxi.com;lr", "sip:bob@biloxi.com;lr=on")).isFalse();
    }

    @Test
    void headerComponentsAreNeverIgnored() {
        assertThat(equivalent("sip:a@h?subject=x", "sip:a@h?Subject=x")).isTrue();
        assertThat(equivalent("sip:a@h?subject=x", "sip:a@h?subject=y")).isFalse();
        assertThat(equivalent("sip:a@h?subject=x&priority=urgent", "sip:a@h?subject=x")).isFalse();
    }
}
