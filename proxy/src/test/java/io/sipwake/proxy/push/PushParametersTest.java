package io.sipwake.proxy.push;

import static io.sipwake.proxy.push.ClientContacts.*;
import static io.sipwake.proxy.push.PushParameterParserTest.push;
import static io.sipwake.proxy.push.PushToken.Service.DEFAULT;
import static io.sipwake.proxy.push.PushToken.Service.REMOTE;
import static io.sipwake.proxy.push.PushToken.Service.VOIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.SipUri;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The normalised push parameters: token choice, the §5.3 triple, redaction and §13 stripping. */
class PushParametersTest {

    // ---- which token for which push ----

    @Test
    void aCallUsesTheVoipTokenAndEverythingElseTheRemoteToken() {
        PushParameters p = push(LINPHONE_IOS_VOLTS);
        assertThat(p.tokenFor(PushKind.CALL)).map(PushToken::service).contains(VOIP);
        assertThat(p.tokenFor(PushKind.MESSAGE)).map(PushToken::service).contains(REMOTE);
        assertThat(p.tokenFor(PushKind.REFRESH)).map(PushToken::service).contains(REMOTE);
    }

    @Test
    void anApnsVoipTokenIsNeverUsedForAnythingButACall() {
        PushParameters p = push(RFC8599_APNS);
        assertThat(p.tokenFor(PushKind.CALL)).map(PushToken::token).contains("00fc13adff78512");
        assertThat(p.tokenFor(PushKind.MESSAGE)).isEmpty();
        assertThat(p.tokenFor(PushKind.REFRESH)).isEmpty();
    }

    @Test
    void aCallToAnApnsDeviceWithOnlyARemoteTokenUsesIt() {
        PushParameters p = push("<sip:a@192.0.2.1;pn-provider=apns;pn-param=T.org.example;pn-prid=aaaa>");
        assertThat(p.tokenFor(PushKind.CALL)).map(PushToken::service).contains(REMOTE);
    }

    @Test
    void aSingleTokenProviderUsesItsTokenForEverything() {
        PushParameters p = push(LINPHONE_ANDROID);
        for (PushKind kind : PushKind.values()) {
            assertThat(p.tokenFor(kind)).as(kind.name()).contains(new PushToken(LINPHONE_ANDROID_TOKEN, DEFAULT));
        }
    }

    @Test
    void anFcmVoipTokenAlsoServesOtherPushesAsFcmHasNoVoipRestriction() {
        PushParameters p = push("<sip:101@192.0.2.1;app-id=com.example.app;pn-voip-tok=vvvv;pn-platform=android>");
        assertThat(p.tokenFor(PushKind.MESSAGE)).map(PushToken::token).contains("vvvv");
    }

    // ---- APNs topics ----

    @Test
    void theApnsTopicIsTheBundleIdWithVoipForAVoipToken_10() {
        PushParameters p = push(LINPHONE_IOS_VOLTS);
        assertThat(p.apnsTeamId()).contains("ABCD1234");
        assertThat(p.apnsBundleId()).isEqualTo("generic.linphone");
        assertThat(p.apnsTopic(p.tokenFor(PushKind.CALL).orElseThrow())).isEqualTo("generic.linphone.voip");
        assertThat(p.apnsTopic(p.tokenFor(PushKind.MESSAGE).orElseThrow())).isEqualTo("generic.linphone");

        PushParameters rfc = push(RFC8599_APNS);
        assertThat(rfc.apnsTopic(rfc.tokens().get(0))).isEqualTo("com.example.yourexampleapp.voip");
    }

    @Test
    void legacyDialectsHaveNoTeamId() {
        PushParameters p = push(CARUSTO_MOD_APN);
        assertThat(p.apnsTeamId()).isEmpty();
        assertThat(p.apnsTopic(p.tokens().get(0))).isEqualTo("com.carusto.mobile.app.voip");
        assertThatThrownBy(() -> push(LINPHONE_ANDROID).apnsBundleId()).isInstanceOf(IllegalStateException.class);
    }

    // ---- §5.3 triple ----

    @Test
    void theTripleIsWhatThePhoneSentUnescapedNotTheNormalisedValues_5_3() {
        PushParameters p = push(LINPHONE_IOS_DEV_ASTERISK);
        assertThat(p.triple()).contains(new PushTriple("apns.dev", "ABCD1234.org.linphone.linphone.remote&voip",
                "9D0C98263E98EE1E282516D585C298BA3915398117C4C30CD3FD352BEEBB7581:remote&2CA57031CAA11360A09B9F37A13DE83CB337BF860352FSAFD7E9B444E5DB673B:voip"));
        assertThat(push(WEBPUSH_ESCAPED).triple()).contains(new PushTriple("webpush", null, "https://push.example.net/sub/A1?k=v"));
    }

    @Test
    void dialectsWithoutRfc8599ParametersHaveNoTriple() {
        assertThat(push(KAZOO_LEGACY_HEADER_PARAMS).triple()).isEmpty();
        assertThat(push(CARUSTO_MOD_APN).triple()).isEmpty();
        assertThat(push(ZOIPER_SEED).triple()).isEmpty();
    }

    // ---- redaction ----

    @Test
    void toStringNeverPrintsATokenOnlyItsFirstAndLastFourCharacters() {
        PushParameters p = push(LINPHONE_IOS_VOLTS);
        String s = p.toString();
        assertThat(s).doesNotContain("EFFDB4D8C32F845036CA3555003D44E98C82EA3F8437BD3499D14A17B039D5B6")
                .doesNotContain("C32F845036CA")
                .contains("VOIP EFFD…D5B6", "REMOTE FC86…6ADE", "provider=apns", "LINPHONE_IOS_MULTI", "pn-silent");
        assertThat(push(ZOIPER_SEED).toString()).doesNotContain("AQEVPwmdC").contains("http…MwMQ");
        assertThat(push(LINPHONE_ANDROID).triple().orElseThrow().toString()).doesNotContain("APA91b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"***", "XXXXXXXXX", "ATOKEN", "123456789012"})
    void shortSecretsShowOnlyTheirLength(String secret) {
        assertThat(PushToken.redact(secret)).isEqualTo("…(" + secret.length() + " chars)");
    }

    @Test
    void theModelIsImmutable() {
        PushParameters p = push(LINPHONE_IOS_VOLTS);
        assertThatThrownBy(() -> p.tokens().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.raw().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new PushParameters("fcm", false, null, java.util.List.of(), PushDialect.RFC8599, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- §13: push parameters never leave sipwake ----

    @Test
    void everyPushParameterIsStrippedFromAForwardedRequestUri_13() {
        SipUri uri = NameAddress.parse(LINPHONE_IOS_VOLTS).sipUri();
        assertThat(PushParameters.stripFrom(uri).toString()).isEqualTo("sip:88881@192.0.2.10:50600;transport=tcp");
        assertThat(PushParameters.stripFrom(NameAddress.parse(CARUSTO_MOD_APN).sipUri()).toString())
                .isEqualTo("sip:101@192.168.31.100:64503;transport=TCP;ob");
        assertThat(PushParameters.stripFrom(SipUri.parse("sip:a@h;PN-PRID=x;App-Id=y;X-Push-Uri=http://u;Pn-Type=apple;lr")).toString())
                .isEqualTo("sip:a@h;lr");
    }

    @Test
    void aUriWithoutPushParametersIsReturnedUnchanged() {
        SipUri uri = SipUri.parse("sip:alice@192.0.2.1;transport=tcp");
        assertThat(PushParameters.stripFrom(uri)).isSameAs(uri);
        assertThat(PushParameters.hasPushParameters(uri)).isFalse();
        NameAddress contact = NameAddress.parse("\"Alice\" <sip:alice@192.0.2.1>;+sip.instance=\"<urn:uuid:1>\"");
        assertThat(PushParameters.stripFrom(contact)).isSameAs(contact);
    }

    @Test
    void theLinphoneAndroidTokenIsStrippedFromThe200OkContactItLeaksIn_13() {
        NameAddress stripped = PushParameters.stripFrom(NameAddress.parse(LINPHONE_ANDROID));
        assertThat(stripped.toString()).isEqualTo("<sip:Nokia@192.168.43.58>;+org.linphone.specs=\"conference/1.0,ephemeral/1.1,groupchat/1.2,lime\"");
    }

    @Test
    void pushHeaderParametersAreStrippedAndOtherHeaderParametersKept_13() {
        NameAddress stripped = PushParameters.stripFrom(NameAddress.parse(KAZOO_LEGACY_HEADER_PARAMS));
        assertThat(stripped.toString()).isEqualTo(
                "<sip:user_1234567@192.168.1.1:61767;transport=TCP;ob>;reg-id=1;+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-00004e05965e>\"");
        NameAddress zoiper = PushParameters.stripFrom(NameAddress.parse("\"Z\" " + ZOIPER_ESCAPED_HEADER_PARAM));
        assertThat(zoiper.toString()).isEqualTo("\"Z\" <sip:1001@10.8.3.36:52685;transport=UDP>");
    }

    @Test
    void theMediaFeatureTagIsNotAPushParameter() {
        assertThat(PushParameters.isPushParameterName("+sip.pnsreg")).isFalse();
        assertThat(PushParameters.isPushParameterName("PN-PRID")).isTrue();
        assertThat(PushParameters.stripFrom(NameAddress.parse(RFC8599_FIGURE_3)).toString()).isEqualTo("<sip:alice@alicemobile.example.com>;+sip.pnsreg");
    }

    @Test
    void contactsOfAForwardedMessageLoseTheirTokensButKeepThePurr_RFC8599_13() throws Exception {
        String text = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\n"
                + "Call-ID: c\r\nCSeq: 1 INVITE\r\n"
                + "Contact: <sip:b@192.0.2.1;pn-purr=ZTY4;pn-provider=fcm;pn-prid=tok>\r\nContent-Length: 0\r\n\r\n";
        io.sipwake.sip.message.SipMessage m = new io.sipwake.sip.parser.SipParser().parse(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        PushParameters.stripFromContacts(m);
        assertThat(m.header("Contact")).isEqualTo("<sip:b@192.0.2.1;pn-purr=ZTY4>");
        PushParameters.stripFromContacts(m);
        assertThat(m.header("Contact")).as("a PURR alone is left as it is").isEqualTo("<sip:b@192.0.2.1;pn-purr=ZTY4>");
    }

    @Test
    void thePurrStaysWhenTheTokensGo_itIsMadeForThePhonesPeers_RFC8599_6_2_2() {
        assertThat(PushParameters.isPushParameterName("PN-PURR")).isFalse();
        NameAddress contact = NameAddress.parse("<sip:alice@192.0.2.1:5060;transport=tcp;pn-provider=fcm;pn-prid=tok;pn-purr=ZTY4ZDI1M>");
        assertThat(PushParameters.stripFrom(contact).toString()).isEqualTo("<sip:alice@192.0.2.1:5060;transport=tcp;pn-purr=ZTY4ZDI1M>");
        NameAddress onlyPurr = NameAddress.parse("<sip:alice@192.0.2.1:5060;pn-purr=ZTY4ZDI1M>");
        assertThat(PushParameters.stripFrom(onlyPurr)).isSameAs(onlyPurr);
    }
}
