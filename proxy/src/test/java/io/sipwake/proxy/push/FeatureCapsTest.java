package io.sipwake.proxy.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipwake.sip.message.SipSyntaxException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Feature-Caps values of RFC 8599 §5.4 and §8.2–8.6 (RFC 6809 syntax). */
class FeatureCapsTest {

    // ---- writing ----

    @Test
    void oneHeaderValuePerProviderStartsWithStarAndSipPns_5_4() {
        assertThat(FeatureCaps.pns("apns")).hasToString("*;+sip.pns=\"apns\"");
        assertThat(FeatureCaps.pns("fcm")).hasToString("*;+sip.pns=\"fcm\"");
    }

    @Test
    void pnsregPurrAndVapidGoInTheSameValueAsTheirSipPns_5_4() {
        FeatureCaps fc = FeatureCaps.pns("webpush").withPnsreg(121).withPurr("a1b2c3.d4").withVapid("BOr-key_123");
        assertThat(fc).hasToString("*;+sip.pns=\"webpush\";+sip.pnsreg=\"121\";+sip.pnspurr=\"a1b2c3.d4\";+sip.vapid=\"BOr-key_123\"");
    }

    @Test
    void valuesThatWouldBreakTheHeaderAreRefused() {
        assertThatThrownBy(() -> FeatureCaps.pns("ap ns")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeatureCaps.pns("apns\"")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeatureCaps.pns("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeatureCaps.pns("apns").withPnsreg(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeatureCaps.pns("apns").withPurr("a;b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FeatureCaps.pns("apns").withVapid("a\"b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWrittenValueReadsBackTheSame() {
        FeatureCaps fc = FeatureCaps.pns("apns").withPnsreg(130).withPurr("p");
        assertThat(FeatureCaps.parse(fc.toString())).isEqualTo(fc);
    }

    // ---- reading ----

    @Test
    void theRfcFigure3ValueIsRead_5_4() {
        FeatureCaps fc = FeatureCaps.parse("*;+sip.pns=\"acme\";+sip.pnsreg=\"121\"");
        assertThat(fc.advertisesPns()).isTrue();
        assertThat(fc.pns()).contains("acme");
        assertThat(fc.pnsreg()).isEqualTo(OptionalLong.of(121));
        assertThat(fc.indicators()).containsExactly(Map.entry("sip.pns", "acme"), Map.entry("sip.pnsreg", "121"));
    }

    @Test
    void theOpenSipsValueWithoutTheLeadingStarIsRead() {
        FeatureCaps fc = FeatureCaps.parse("+sip.pns=\"fcm\";+sip.pnsreg=\"130\";+sip.pnspurr=\"3a.1b2c.0004d2f1\"");
        assertThat(fc.pns()).contains("fcm");
        assertThat(fc.pnsreg()).isEqualTo(OptionalLong.of(130));
        assertThat(fc.purr()).contains("3a.1b2c.0004d2f1");
    }

    @Test
    void onlySipPnsregIsTheRefreshIndicatorNotTheRfcTypoSipPnsreq_4_1_4() {
        FeatureCaps fc = FeatureCaps.parse("*;+sip.pns=\"apns\";+sip.pnsreq=\"121\"");
        assertThat(fc.pnsreg()).isEmpty();
        assertThat(fc.has("sip.pnsreq")).isTrue();
    }

    @Test
    void whiteSpaceCaseAndUnquotedValuesAreTolerated() {
        FeatureCaps fc = FeatureCaps.parse("  * ; +SIP.PNS = \"APNS\" ; +sip.vapid=BKey ");
        assertThat(fc.pns()).contains("apns");
        assertThat(fc.vapid()).contains("BKey");
    }

    @Test
    void aValuelessIndicatorIsPresentWithAnEmptyValue() {
        FeatureCaps fc = FeatureCaps.parse("*;+sip.pns");
        assertThat(fc.advertisesPns()).isTrue();
        assertThat(fc.pns()).isEmpty();
        assertThat(fc.value("sip.pns")).contains("");
    }

    @Test
    void aHeaderValueMayHoldSeveralCommaSeparatedValues() {
        List<FeatureCaps> all = FeatureCaps.parseHeader("*;+sip.pns=\"apns\";+sip.pnsreg=\"121\", +sip.pns=\"fcm\"");
        assertThat(all).extracting(f -> f.pns().orElseThrow()).containsExactly("apns", "fcm");
    }

    @Test
    void anotherProxysSipPnsOnARegisterIsDetected_5_6_1_1() {
        assertThat(FeatureCaps.anyAdvertisesPns(List.of("*;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\""))).isFalse();
        assertThat(FeatureCaps.anyAdvertisesPns(List.of("*;+g.3gpp.icsi-ref=\"x\"", "+sip.pns=\"fcm\""))).isTrue();
        assertThat(FeatureCaps.anyAdvertisesPns(List.of("*;sip.pns=\"fcm\""))).as("malformed: ignored").isFalse();
        assertThat(FeatureCaps.anyAdvertisesPns(List.of())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "*;sip.pns=\"apns\"", "*;+sip.pns=\"a\";+sip.pns=\"b\"", "*;+sip.pns=\"unterminated", "*;+"})
    void malformedValuesAreRejectedWithAReason(String value) {
        assertThatThrownBy(() -> FeatureCaps.parse(value)).isInstanceOf(SipSyntaxException.class).hasMessageNotContaining("null");
    }

    @Test
    void rejectionReasonsNameTheProblem() {
        assertThatThrownBy(() -> FeatureCaps.parse("*;sip.pns=\"apns\"")).hasMessage("Feature-Caps indicator 'sip.pns' must start with '+' (RFC 6809)");
        assertThatThrownBy(() -> FeatureCaps.parse("*;+sip.pns=\"a\";+SIP.PNS=\"b\"")).hasMessage("Feature-Caps indicator +sip.pns appears twice");
    }
}
