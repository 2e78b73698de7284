package io.sipwake.proxy.push;

import static io.sipwake.proxy.push.ClientContacts.*;
import static io.sipwake.proxy.push.PushToken.Service.DEFAULT;
import static io.sipwake.proxy.push.PushToken.Service.REMOTE;
import static io.sipwake.proxy.push.PushToken.Service.VOIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipwake.proxy.push.PushParameterParser.Invalid;
import io.sipwake.proxy.push.PushParameterParser.None;
import io.sipwake.proxy.push.PushParameterParser.Push;
import io.sipwake.proxy.push.PushParameterParser.Query;
import io.sipwake.proxy.push.PushParameterParser.Result;
import io.sipwake.sip.message.NameAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading push parameters from REGISTER Contacts in every client dialect (RFC 8599 §4.1, §8.7, §10–12, and the clients in the wild). */
class PushParameterParserTest {

    static Result parse(String contact) {
        return PushParameterParser.parse(NameAddress.parse(contact));
    }

    static PushParameters push(String contact) {
        Result r = parse(contact);
        assertThat(r).as(contact).isInstanceOf(Push.class);
        return ((Push) r).parameters();
    }

    static String invalid(String contact) {
        Result r = parse(contact);
        assertThat(r).as(contact).isInstanceOf(Invalid.class);
        return ((Invalid) r).reason();
    }

    static PushToken tok(PushToken.Service service, String token) {
        return new PushToken(token, service);
    }

    // ---- the clients ----

    static Stream<Arguments> clientContacts() {
        return Stream.of(
                Arguments.of("Linphone iOS 5.2 (VOLTS): voip&remote, two labelled tokens", LINPHONE_IOS_VOLTS,
                        "apns", false, "ABCD1234.generic.linphone", PushDialect.LINPHONE_IOS_MULTI,
                        List.of(tok(VOIP, "EFFDB4D8C32F845036CA3555003D44E98C82EA3F8437BD3499D14A17B039D5B6"),
                                tok(REMOTE, "FC86D3D61AAFCC5D18AAC9D4CEDC6C70505080693FD21D0E62B5061FD4516ADE"))),
                Arguments.of("Linphone iOS 4.4 debug build: apns.dev, remote&voip", LINPHONE_IOS_DEV_ASTERISK,
                        "apns", true, "ABCD1234.org.linphone.linphone", PushDialect.LINPHONE_IOS_MULTI,
                        List.of(tok(REMOTE, "9D0C98263E98EE1E282516D585C298BA3915398117C4C30CD3FD352BEEBB7581"),
                                tok(VOIP, "2CA57031CAA11360A09B9F37A13DE83CB337BF860352FSAFD7E9B444E5DB673B"))),
                Arguments.of("Linphone Android: FCM sender ID as pn-param, ':' inside the token", LINPHONE_ANDROID,
                        "fcm", false, "929724111839", PushDialect.RFC8599, List.of(tok(DEFAULT, LINPHONE_ANDROID_TOKEN))),
                Arguments.of("liblinphone tester", LIBLINPHONE_TESTER,
                        "fcm", false, "test-app-id", PushDialect.RFC8599, List.of(tok(DEFAULT, "test-push-token"))),
                Arguments.of("OpenSIPS issue #2556 (belle-sip)", OPENSIPS_ISSUE_2556,
                        "fcm", false, "***", PushDialect.RFC8599, List.of(tok(DEFAULT, "***"))),
                Arguments.of("RFC 8599 Figure 2: a provider sipwake may not know", RFC8599_FIGURE_2,
                        "acme", false, "acme-param", PushDialect.RFC8599, List.of(tok(DEFAULT, "ZTY4ZDJlMzODE1NmUgKi0K"))),
                Arguments.of("RFC 8599 Figure 3: with the +sip.pnsreg media feature tag", RFC8599_FIGURE_3,
                        "acme", false, "acme-param", PushDialect.RFC8599, List.of(tok(DEFAULT, "ZTY4ZDJlMzODE1NmUgKi0K"))),
                Arguments.of("RFC 8599 §10: APNs VoIP topic", RFC8599_APNS,
                        "apns", false, "DEF123GHIJ.com.example.yourexampleapp", PushDialect.RFC8599, List.of(tok(VOIP, "00fc13adff78512"))),
                Arguments.of("Kazoo: Linphone legacy as Contact header parameters", KAZOO_LEGACY_HEADER_PARAMS,
                        "apns", false, "com.app.mymobileapp", PushDialect.LINPHONE_LEGACY,
                        List.of(tok(REMOTE, "34fretrwgtrvtrebyenbytrwvtrebytenytbyrtebytebytebytenyhtevtrw"))),
                Arguments.of("Flexisip: Linphone legacy apple, .prod app-id", FLEXISIP_LEGACY_APPLE,
                        "apns", false, "a.bundle.id", PushDialect.LINPHONE_LEGACY, List.of(tok(REMOTE, "ATOKEN"))),
                Arguments.of("Flexisip: Linphone legacy google", FLEXISIP_LEGACY_GOOGLE,
                        "fcm", false, "a.project.id", PushDialect.LINPHONE_LEGACY, List.of(tok(DEFAULT, "ATOKEN"))),
                Arguments.of("Carusto (mod_apn): pn-voip-tok, pn-platform=iOS", CARUSTO_MOD_APN,
                        "apns", false, "com.carusto.mobile.app", PushDialect.MOD_APN,
                        List.of(tok(VOIP, "39f161b205281f890715e625a7093d90af2fa281a7fcda82a7267f93d4b73df1"))),
                Arguments.of("Carusto (mod_apn) before pn-platform", CARUSTO_MOD_APN_NO_PLATFORM,
                        "apns", false, "com.carusto.mobile.app", PushDialect.MOD_APN,
                        List.of(tok(VOIP, "39f161b205281f890715e625a7093d90af2fa281a7fcda82a7267f93d4b73df1"))),
                Arguments.of("mod_apn README template: VoIP and IM tokens", MOD_APN_TEMPLATE,
                        "apns", false, "****", PushDialect.MOD_APN, List.of(tok(VOIP, "XXXXXXXXX"), tok(REMOTE, "XXXXXXXXXX"))),
                Arguments.of("the seed's Zoiper WP8: X-PUSH-URI in the Contact URI", ZOIPER_SEED,
                        "x-push-uri", false, null, PushDialect.X_PUSH_URI, List.of(tok(DEFAULT, ZOIPER_PUSH_URL))),
                Arguments.of("X-PUSH-URI %-escaped, as a Contact header parameter", ZOIPER_ESCAPED_HEADER_PARAM,
                        "x-push-uri", false, null, PushDialect.X_PUSH_URI, List.of(tok(DEFAULT, ZOIPER_PUSH_URL))),
                Arguments.of("baresip pns module: webpush, no pn-param (§12)", BARESIP_WEBPUSH,
                        "webpush", false, null, PushDialect.RFC8599, List.of(tok(DEFAULT, "https://ntfy.sh/upAbC123xyz"))),
                Arguments.of("webpush subscription URI %-escaped (§8.7)", WEBPUSH_ESCAPED,
                        "webpush", false, null, PushDialect.RFC8599, List.of(tok(DEFAULT, "https://push.example.net/sub/A1?k=v"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientContacts")
    void everyClientDialectIsNormalisedIntoOneModel(String client, String contact, String provider, boolean sandbox, String param,
            PushDialect dialect, List<PushToken> tokens) {
        PushParameters p = push(contact);
        assertThat(p.provider()).isEqualTo(provider);
        assertThat(p.sandbox()).isEqualTo(sandbox);
        assertThat(p.param()).isEqualTo(param);
        assertThat(p.dialect()).isEqualTo(dialect);
        assertThat(p.tokens()).containsExactlyElementsOf(tokens);
    }

    @Test
    void linphoneExtrasAreKeptRawAndIgnored() {
        PushParameters p = push(LINPHONE_IOS_VOLTS);
        assertThat(p.raw()).containsKeys("pn-silent", "pn-timeout", "pn-msg-str", "pn-call-str", "pn-groupchat-str", "pn-call-snd", "pn-msg-snd")
                .containsEntry("pn-call-snd", "notes_of_the_optimistic.caf")
                .doesNotContainKeys("transport");
        assertThat(p.raw().keySet()).startsWith("pn-prid", "pn-provider", "pn-param");
    }

    @Test
    void rawValuesAreKeptAsWrittenForStorage() {
        PushParameters p = push(WEBPUSH_ESCAPED);
        assertThat(p.raw()).containsExactly(
                java.util.Map.entry("pn-provider", "webpush"),
                java.util.Map.entry("pn-prid", "https%3A%2F%2Fpush.example.net%2Fsub%2FA1%3Fk%3Dv"));
    }

    // ---- RFC 8599 placement, case and escaping ----

    @Test
    void parameterNamesAreCaseInsensitive_8_7() {
        PushParameters p = push("<sip:alice@192.0.2.1;PN-Provider=FCM;Pn-Param=proj;PN-PRID=tok>");
        assertThat(p.provider()).isEqualTo("fcm");
        assertThat(p.param()).isEqualTo("proj");
        assertThat(p.tokens()).containsExactly(tok(DEFAULT, "tok"));
        assertThat(p.raw()).containsOnlyKeys("pn-provider", "pn-param", "pn-prid");
    }

    @Test
    void valuesAreUnescapedAsRfc3261UriParameters_8_7() {
        PushParameters p = push("<sip:alice@192.0.2.1;pn-provider=fcm;pn-param=my%2Dproject;pn-prid=ab%3Acd%26ef>");
        assertThat(p.tokens()).containsExactly(tok(DEFAULT, "ab:cd&ef"));
        assertThat(p.param()).isEqualTo("my-project");
    }

    @Test
    void anEscapedAmpersandSeparatesLinphoneTokensLikeALiteralOne() {
        PushParameters p = push("<sip:alice@192.0.2.1;pn-provider=apns;pn-param=TEAM.org.example.voip%26remote;pn-prid=aaaa%3Avoip%26bbbb%3Aremote>");
        assertThat(p.tokens()).containsExactly(tok(VOIP, "aaaa"), tok(REMOTE, "bbbb"));
    }

    @Test
    void rfc8599ParametersAreAlsoAcceptedAsContactHeaderParameters() {
        PushParameters p = push("<sip:alice@192.0.2.1;transport=tcp>;pn-provider=fcm;pn-param=\"929724111839\";pn-prid=tok;+sip.instance=\"<urn:uuid:1>\"");
        assertThat(p.provider()).isEqualTo("fcm");
        assertThat(p.param()).isEqualTo("929724111839");
        assertThat(p.tokens()).containsExactly(tok(DEFAULT, "tok"));
    }

    @Test
    void aParameterRepeatedWithTheSameValueInUriAndHeaderIsAccepted() {
        PushParameters p = push("<sip:alice@192.0.2.1;pn-provider=fcm;pn-prid=tok>;pn-prid=tok");
        assertThat(p.tokens()).containsExactly(tok(DEFAULT, "tok"));
    }

    @ParameterizedTest(name = "pn-provider={0}")
    @ValueSource(strings = {"android", "firebase", "google", "Firebase"})
    void providerTyposSeenInTheWildMeanFcmButTheTripleKeepsWhatWasSent(String typo) {
        PushParameters p = push("<sip:alice@192.0.2.1;pn-provider=" + typo + ";pn-param=929724111839;pn-prid=tok>");
        assertThat(p.provider()).isEqualTo("fcm");
        assertThat(p.dialect()).isEqualTo(PushDialect.RFC8599);
        assertThat(p.triple()).contains(new PushTriple(typo, "929724111839", "tok"));
    }

    @Test
    void fcmWithoutPnParamIsAcceptedForASingleProjectDeployment_11() {
        PushParameters p = push("<sip:alice@192.0.2.1;pn-provider=fcm;pn-prid=tok>");
        assertThat(p.param()).isNull();
    }

    @Test
    void webpushKeepsAPnParamItShouldNotHaveSent_12() {
        PushParameters p = push("<sip:alice@192.0.2.1;pn-provider=webpush;pn-param=key;pn-prid=https://push.example.net/s/1>");
        assertThat(p.param()).isEqualTo("key");
    }

    @Test
    void rfc8599ParametersWinOverLegacyOnesInTheSameContact() {
        PushParameters p = push("<sip:alice@192.0.2.1;pn-provider=fcm;pn-param=p;pn-prid=new;pn-type=google;app-id=p;pn-tok=old>");
        assertThat(p.dialect()).isEqualTo(PushDialect.RFC8599);
        assertThat(p.tokens()).containsExactly(tok(DEFAULT, "new"));
        assertThat(p.raw()).containsKeys("pn-type", "app-id", "pn-tok");
    }

    // ---- APNs (RFC 8599 §10) and the Linphone iOS extensions ----

    @Test
    void apnsWithoutAServiceMeansTheRemoteNotificationTopic_10() {
        PushParameters p = push("<sip:alice@192.0.2.1;pn-provider=apns;pn-param=DEF123GHIJ.com.example.app;pn-prid=00fc13adff78512>");
        assertThat(p.tokens()).containsExactly(tok(REMOTE, "00fc13adff78512"));
        assertThat(p.param()).isEqualTo("DEF123GHIJ.com.example.app");
        assertThat(p.dialect()).isEqualTo(PushDialect.RFC8599);
    }

    @Test
    void aRemoteServiceOrATokenLabelIsLinphoneIos() {
        assertThat(push("<sip:a@192.0.2.1;pn-provider=apns;pn-param=T.org.example.remote;pn-prid=aaaa>").dialect())
                .isEqualTo(PushDialect.LINPHONE_IOS_MULTI);
        PushParameters labelled = push("<sip:a@192.0.2.1;pn-provider=apns;pn-param=T.org.example.voip;pn-prid=aaaa:voip>");
        assertThat(labelled.dialect()).isEqualTo(PushDialect.LINPHONE_IOS_MULTI);
        assertThat(labelled.tokens()).containsExactly(tok(VOIP, "aaaa"));
    }

    @Test
    void apnsDevIsTheSandbox() {
        PushParameters p = push("<sip:a@192.0.2.1;pn-provider=apns.dev;pn-param=T.org.example.voip;pn-prid=aaaa>");
        assertThat(p.provider()).isEqualTo("apns");
        assertThat(p.sandbox()).isTrue();
        assertThat(p.dialect()).isEqualTo(PushDialect.LINPHONE_IOS_MULTI);
    }

    // ---- Linphone legacy ----

    @Test
    void legacyAppleDevVoipAppIdIsASandboxVoipToken() {
        PushParameters p = push("<sip:a@192.0.2.1;app-id=org.linphone.phone.voip.dev;pn-type=apple;pn-tok=aaaa>");
        assertThat(p.provider()).isEqualTo("apns");
        assertThat(p.sandbox()).isTrue();
        assertThat(p.param()).isEqualTo("org.linphone.phone");
        assertThat(p.tokens()).containsExactly(tok(VOIP, "aaaa"));
        assertThat(p.apnsTopic(p.tokens().get(0))).isEqualTo("org.linphone.phone.voip");
    }

    @ParameterizedTest(name = "pn-type={0}")
    @ValueSource(strings = {"google", "firebase", "android", "Firebase"})
    void legacyAndroidTypesMapToFcmWithTheAppIdAsParam(String type) {
        PushParameters p = push("<sip:a@192.0.2.1;app-id=929724111839;pn-type=" + type + ";pn-tok=tok>");
        assertThat(p.provider()).isEqualTo("fcm");
        assertThat(p.param()).isEqualTo("929724111839");
        assertThat(p.dialect()).isEqualTo(PushDialect.LINPHONE_LEGACY);
        assertThat(p.triple()).isEmpty();
    }

    // ---- mod_apn ----

    @Test
    void modApnAndroidPlatformIsFcmWithBothTokens() {
        PushParameters p = push("<sip:101@192.0.2.1;app-id=com.example.app;pn-voip-tok=vvvv;pn-im-tok=iiii;pn-platform=android>");
        assertThat(p.provider()).isEqualTo("fcm");
        assertThat(p.tokens()).containsExactly(tok(VOIP, "vvvv"), tok(REMOTE, "iiii"));
    }

    // ---- queries (RFC 8599 §4.1.5) ----

    static Stream<Arguments> queries() {
        return Stream.of(
                Arguments.of("<sip:alice@192.0.2.1;pn-provider=apns>", Optional.of("apns")),
                Arguments.of("<sip:alice@192.0.2.1;pn-provider=APNS.dev>", Optional.of("apns")),
                Arguments.of("<sip:alice@192.0.2.1;pn-provider=firebase>", Optional.of("fcm")),
                Arguments.of("<sip:alice@192.0.2.1;pn-provider=webpush;pn-param=ignored>", Optional.of("webpush")),
                Arguments.of("<sip:alice@192.0.2.1;pn-provider>", Optional.empty()),
                Arguments.of("<sip:alice@192.0.2.1>;pn-provider", Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void pnProviderWithoutPnPridIsAQueryForThatProviderOrForAll_4_1_5(String contact, Optional<String> provider) {
        assertThat(parse(contact)).isEqualTo(new Query(provider));
    }

    // ---- no push ----

    @ParameterizedTest
    @ValueSource(strings = {
        "<sip:alice@192.0.2.1;transport=tcp>;+sip.instance=\"<urn:uuid:65f9b73f-d655-4dd3-8633-10d8122c5299>\";reg-id=1",
        "<sip:alice@192.0.2.1;pn-silent=1;pn-timeout=0;pn-msg-str=IM_MSG>",
        "<sip:alice@192.0.2.1>;+sip.pnsreg",
        "<tel:+15551234567>",
    })
    void aContactWithoutPushParametersOrWithOnlyExtrasIsNone_5_6_1(String contact) {
        assertThat(parse(contact)).isInstanceOf(None.class);
    }

    // ---- malformed ----

    static Stream<Arguments> malformed() {
        String apns = "<sip:a@192.0.2.1;pn-provider=apns;";
        return Stream.of(
                Arguments.of("<sip:a@192.0.2.1;pn-prid=tok>", "pn-prid without pn-provider (RFC 8599 §4.1.1 requires pn-provider with pn-prid)"),
                Arguments.of("<sip:a@192.0.2.1;pn-param=p>", "pn-param without pn-provider (RFC 8599 §4.1.1)"),
                Arguments.of("<sip:a@192.0.2.1;pn-provider;pn-prid=tok>",
                        "pn-prid with an empty pn-provider (an empty pn-provider is only for a query, RFC 8599 §4.1.5)"),
                Arguments.of("<sip:a@192.0.2.1;pn-provider=fcm;pn-prid>", "pn-prid has no value"),
                Arguments.of("<sip:a@192.0.2.1;pn-provider=fcm;pn-param;pn-prid=tok>", "pn-param has no value"),
                Arguments.of(apns + "pn-prid=tok>", "pn-param is required with pn-provider=apns: it carries <TeamID>.<BundleID> (RFC 8599 §10)"),
                Arguments.of(apns + "pn-param=ABCD1234;pn-prid=tok>",
                        "pn-param 'ABCD1234' for apns must be <TeamID>.<BundleID>[.voip|.remote|.voip&remote]"),
                Arguments.of(apns + "pn-param=ABCD1234.;pn-prid=tok>",
                        "pn-param 'ABCD1234.' for apns must be <TeamID>.<BundleID>[.voip|.remote|.voip&remote]"),
                Arguments.of(apns + "pn-param=T.org.example.voip&remote;pn-prid=aaaa:voip>",
                        "pn-param declares 2 service(s) (voip&remote) but pn-prid carries 1 token(s)"),
                Arguments.of(apns + "pn-param=T.org.example.voip;pn-prid=aaaa:voip&bbbb:remote>",
                        "pn-param declares 1 service(s) (voip) but pn-prid carries 2 token(s)"),
                Arguments.of(apns + "pn-param=T.org.example.voip&remote;pn-prid=aaaa:voip&>", "pn-prid contains an empty token"),
                Arguments.of(apns + "pn-param=T.org.example.voip&remote;pn-prid=:voip&bbbb:remote>", "pn-prid contains an empty token"),
                Arguments.of(apns + "pn-param=T.org.example.voip&remote;pn-prid=aaaa&bbbb>",
                        "pn-prid with several tokens must label each as <token>:voip or <token>:remote"),
                Arguments.of(apns + "pn-param=T.org.example.voip;pn-prid=aaaa:video>",
                        "pn-prid for apns must be <token>[:voip|:remote], joined by '&' for several tokens"),
                Arguments.of(apns + "pn-param=T.org.example.voip;pn-prid=aaaa:remote>",
                        "pn-prid labels a token 'remote' but pn-param declares only voip"),
                Arguments.of(apns + "pn-param=T.org.example.voip&remote;pn-prid=aaaa:voip&bbbb:voip>",
                        "pn-prid has two tokens for service 'voip'"),
                Arguments.of(apns + "pn-param=T.org.example.voip&&remote;pn-prid=aaaa:voip&bbbb:remote>",
                        "pn-param 'T.org.example.voip&&remote' has an empty or unknown service in 'voip&&remote' (expected voip, remote or voip&remote)"),
                Arguments.of(apns + "pn-param=T.org.example.voip&voip;pn-prid=aaaa:voip&bbbb:voip>",
                        "pn-param 'T.org.example.voip&voip' names service 'voip' twice"),
                Arguments.of("<sip:a@192.0.2.1;pn-provider=webpush;pn-prid=c1a5b3e7d9f2>",
                        "pn-prid for webpush must be an http(s) push subscription URI (RFC 8599 §12) (got no scheme)"),
                Arguments.of("<sip:a@192.0.2.1;pn-provider=webpush;pn-prid=mailto:x%40example.net>",
                        "pn-prid for webpush must be an http(s) push subscription URI (RFC 8599 §12) (got scheme 'mailto')"),
                Arguments.of("<sip:a@192.0.2.1;X-PUSH-URI=ftp://push.example.net/x>", "X-PUSH-URI must be an http or https URL (got scheme 'ftp')"),
                Arguments.of("<sip:a@192.0.2.1;X-PUSH-URI=http:/nohost>", "X-PUSH-URI must be an http or https URL with a host"),
                Arguments.of("<sip:a@192.0.2.1;X-PUSH-URI>", "X-PUSH-URI has no value"),
                Arguments.of("<sip:a@192.0.2.1;pn-tok=tok>", "pn-tok without pn-type (Linphone legacy push needs pn-type, app-id and pn-tok)"),
                Arguments.of("<sip:a@192.0.2.1;pn-type=wp;app-id=x;pn-tok=tok>", "Windows push is not supported (pn-type=wp)"),
                Arguments.of("<sip:a@192.0.2.1>;pn-type=wp10;app-id=x;pn-tok=tok", "Windows push is not supported (pn-type=wp10)"),
                Arguments.of("<sip:a@192.0.2.1;pn-type=blackberry;app-id=x;pn-tok=tok>",
                        "unknown pn-type 'blackberry' (expected apple, google, firebase or android)"),
                Arguments.of("<sip:a@192.0.2.1;pn-type=apple;app-id=x>", "pn-type=apple without pn-tok"),
                Arguments.of("<sip:a@192.0.2.1;pn-type=google;pn-tok=tok>", "pn-type=google without app-id"),
                Arguments.of("<sip:a@192.0.2.1;pn-type=apple;app-id=.dev;pn-tok=tok>", "app-id '.dev' has no bundle ID"),
                Arguments.of("<sip:a@192.0.2.1;pn-voip-tok=tok>", "pn-voip-tok or pn-im-tok without app-id"),
                Arguments.of("<sip:a@192.0.2.1;app-id=x;pn-voip-tok=tok;pn-platform=browser>",
                        "pn-platform 'browser' is not supported (expected iOS or android)"),
                Arguments.of("<sip:a@192.0.2.1;pn-platform=iOS>", "pn-platform without pn-voip-tok or pn-im-tok"),
                Arguments.of("<sip:a@192.0.2.1;app-id=com.example.app>", "app-id without a push token (pn-tok, pn-voip-tok or pn-im-tok)"),
                Arguments.of("<sip:a@192.0.2.1;pn-provider=fcm;pn-prid=tok%0D%0AX-Evil:1>",
                        "pn-prid contains white space, a control character or non-ASCII text"),
                Arguments.of("<sip:a@192.0.2.1;pn-provider=fc%0Am;pn-prid=tok>",
                        "pn-provider contains white space, a control character or non-ASCII text"),
                Arguments.of("<sip:a@192.0.2.1;pn-provider=fcm;pn-prid=a;pn-prid=b>", "pn-prid appears more than once in the Contact URI"),
                Arguments.of("<sip:a@192.0.2.1>;app-id=x;app-id=y;pn-type=google;pn-tok=t", "app-id appears more than once in the Contact header parameters"),
                Arguments.of("<sip:a@192.0.2.1;pn-provider=fcm;pn-prid=a>;pn-prid=b",
                        "pn-prid is both a Contact URI parameter and a Contact header parameter, with different values"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformed")
    void malformedCombinationsAreInvalidWithAReasonThatSaysExactlyWhatIsWrong(String contact, String reason) {
        assertThat(invalid(contact)).isEqualTo(reason);
    }

    @Test
    void overlongValuesAreInvalid() {
        String reason = invalid("<sip:a@192.0.2.1;pn-provider=fcm;pn-prid=" + "a".repeat(PushParameterParser.MAX_VALUE_LENGTH + 1) + ">");
        assertThat(reason).isEqualTo("pn-prid is longer than 4096 characters");
    }

    @Test
    void invalidReasonsNeverContainTheToken_13() {
        String secret = "SECRET0123456789TOKEN";
        for (String contact : List.of(
                "<sip:a@192.0.2.1;pn-prid=" + secret + ">",
                "<sip:a@192.0.2.1;pn-provider=apns;pn-param=T.b.voip&remote;pn-prid=" + secret + ":voip>",
                "<sip:a@192.0.2.1;pn-provider=apns;pn-param=T.b.voip;pn-prid=" + secret + ":video>",
                "<sip:a@192.0.2.1;pn-provider=webpush;pn-prid=" + secret + ">",
                "<sip:a@192.0.2.1;X-PUSH-URI=ftp://" + secret + ">",
                "<sip:a@192.0.2.1;pn-type=wp;app-id=x;pn-tok=" + secret + ">",
                "<sip:a@192.0.2.1;pn-tok=" + secret + ">")) {
            assertThat(invalid(contact)).as(contact).doesNotContain(secret).doesNotContain("0123456789");
        }
    }

    @Test
    void echoedValuesInReasonsAreBoundedAndPrintable() {
        String reason = invalid("<sip:a@192.0.2.1;pn-type=" + "x".repeat(100) + "%07;app-id=x;pn-tok=t>");
        assertThat(reason).isEqualTo("pn-type contains white space, a control character or non-ASCII text");
        reason = invalid("<sip:a@192.0.2.1;pn-type=" + "x".repeat(100) + ";app-id=x;pn-tok=t>");
        assertThat(reason).isEqualTo("unknown pn-type '" + "x".repeat(40) + "...' (expected apple, google, firebase or android)");
    }

    @Test
    void anyParsableContactGivesAResultAndNeverThrows() {
        String[] names = {"pn-provider", "pn-param", "pn-prid", "pn-type", "pn-tok", "app-id", "pn-voip-tok", "pn-im-tok", "pn-platform",
            "X-PUSH-URI", "pn-silent", "transport"};
        String[] values = {null, "apns", "apns.dev", "fcm", "webpush", "apple", "google", "wp", "iOS", "android", "T.b.voip&remote",
            "T.b", "a:voip&b:remote", "a:voip", ":", "&", "%00", "%E2%80%A6", "https://h/p", "http%3A%2F%2Fh", "x.dev", "x.voip.prod", "."};
        java.util.Random random = new java.util.Random(8599);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder uri = new StringBuilder("<sip:a@192.0.2.1");
            StringBuilder header = new StringBuilder();
            for (int k = random.nextInt(6); k > 0; k--) {
                String v = values[random.nextInt(values.length)];
                StringBuilder target = random.nextInt(4) == 0 ? header : uri;
                target.append(';').append(names[random.nextInt(names.length)]);
                if (v != null) target.append('=').append(v);
            }
            String contact = uri.append('>').append(header).toString();
            Result r = parse(contact);
            assertThat(r).as(contact).isNotNull();
            if (r instanceof Invalid invalid) {
                assertThat(invalid.reason()).as(contact).matches("[\\x20-\\x7e§]+");
            }
        }
    }
}
