package io.sipwake.sip.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sipwake.sip.message.AbsoluteUri;
import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.message.Via;
import io.sipwake.sip.testing.TortureCorpus;
import io.sipwake.sip.testing.TortureCorpus.Category;
import io.sipwake.sip.testing.TortureCorpus.Entry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The torture messages of RFC 4475 and RFC 5118, each sent to the parser as one UDP datagram, give
 * the outcome those RFCs ask of a parser. What a proxy or registrar then does with a message that
 * parses (416, 420, 483, ...) is for the server's own tests; here only the fields it relies on are checked.
 */
class TortureTest {
    private final SipParser parser = new SipParser();

    /** What the parser must do with a message. */
    enum Outcome {
        /** Parses: a valid message, or one whose problem is for the application layer. */
        PARSES,
        /** Refused with this status and answerable: a response can be built and routed. */
        ANSWER_400, ANSWER_505,
        /** A malformed response: dropped silently (status 0). */
        DROP
    }

    /** Outcomes other than {@link Outcome#PARSES}, with the RFC's words in the comments. */
    private static final Map<String, Outcome> REFUSED = Map.ofEntries(
        // RFC 4475 §3.1.2: invalid messages
        Map.entry("badinv01", Outcome.ANSWER_400),   // extraneous ;;,;,, in Via and Contact: answered 400 all the same
        Map.entry("clerr", Outcome.ANSWER_400),      // Content-Length 9999 over UDP
        Map.entry("ncl", Outcome.ANSWER_400),        // Content-Length -999
        Map.entry("scalar02", Outcome.ANSWER_400),   // CSeq > 2**32-1
        Map.entry("scalarlg", Outcome.DROP),         // response: discard
        Map.entry("quotbal", Outcome.ANSWER_400),    // unterminated quote
        Map.entry("ltgtruri", Outcome.ANSWER_400),   // <Request-URI>
        Map.entry("lwsruri", Outcome.ANSWER_400),    // LWS in Request-URI
        Map.entry("lwsstart", Outcome.ANSWER_400),   // 400 or ignore the extra SP: we answer 400
        Map.entry("trws", Outcome.ANSWER_400),       // 400 or ignore the trailing SP: we answer 400
        Map.entry("escruri", Outcome.ANSWER_400),    // escaped headers in Request-URI: 400 (never apply them)
        // baddate: "respond 400 only if Date matters; else ignore it": the parser does not read Date, so it PARSES
        Map.entry("regbadct", Outcome.ANSWER_400),   // 400 or infer <>: we answer 400
        Map.entry("badaspec", Outcome.ANSWER_400),   // spaces inside <>
        Map.entry("baddn", Outcome.ANSWER_400),      // unquoted display name with ','
        Map.entry("badvers", Outcome.ANSWER_505),    // SIP/7.0
        Map.entry("mismatch01", Outcome.ANSWER_400), // CSeq method differs
        Map.entry("mismatch02", Outcome.ANSWER_400), // 501 preferred, 400 acceptable
        Map.entry("bigcode", Outcome.DROP),          // response code 4294967301: drop
        Map.entry("ipv6-bad", Outcome.ANSWER_400),   // RFC 5118 §4.2: raw IPv6 in Request-URI
        // RFC 4475 §3.2.1
        Map.entry("badbranch", Outcome.ANSWER_400),  // branch is only the magic cookie
        // RFC 4475 §3.3: application-layer cases a parser can already decide
        Map.entry("insuf", Outcome.ANSWER_400),      // no Call-ID, From, To: answered 400 all the same (routed by its Via)
        Map.entry("multi01", Outcome.ANSWER_400),    // two Call-ID, To, From, Max-Forwards, CSeq
        Map.entry("mcl01", Outcome.ANSWER_400));     // two conflicting Content-Lengths

    static Stream<Entry> corpus() {
        return TortureCorpus.entries().stream();
    }

    private static Outcome expected(Entry e) {
        return REFUSED.getOrDefault(e.name(), Outcome.PARSES);
    }

    private SipMessage parse(String name) throws SipParseException {
        byte[] data = TortureCorpus.bytes(name);
        return parser.parseDatagram(data, 0, data.length);
    }

    private SipRequest request(String name) throws SipParseException {
        return (SipRequest) parse(name);
    }

    @Test
    void corpusHasTheRfcsSixtyOneMessagesInTheirCategories() {
        assertThat(TortureCorpus.entries()).hasSize(61);
        assertThat(TortureCorpus.entries(Category.VALID)).hasSize(25);
        assertThat(TortureCorpus.entries(Category.INVALID)).hasSize(20);
        assertThat(TortureCorpus.entries(Category.TRANSACTION)).hasSize(1);
        assertThat(TortureCorpus.entries(Category.APPLICATION)).hasSize(15);
        assertThat(TortureCorpus.entries()).filteredOn(Entry::isResponse).extracting(Entry::name)
                .containsExactlyInAnyOrder("unreason", "noreason", "scalarlg", "bigcode", "bcast");
        assertThat(REFUSED.keySet()).allSatisfy(name -> TortureCorpus.entry(name));
    }

    @Test
    void everyValidMessageIsExpectedToParse() {
        assertThat(TortureCorpus.entries(Category.VALID)).allSatisfy(e -> assertThat(expected(e)).isEqualTo(Outcome.PARSES));
        assertThat(TortureCorpus.entries(Category.INVALID)).filteredOn(e -> expected(e) == Outcome.PARSES)
                .extracting(Entry::name).containsExactly("baddate");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void parserGivesTheOutcomeTheRfcAsksFor(Entry e) {
        byte[] data = e.bytes();
        Outcome outcome = expected(e);
        if (outcome == Outcome.PARSES) {
            SipMessage m = catchParse(data);
            assertThat(m.isRequest()).isEqualTo(!e.isResponse());
            return;
        }
        SipParseException x = catchThrowableOfType(SipParseException.class, () -> parser.parseDatagram(data, 0, data.length));
        assertThat(x).as("%s must be refused", e.name()).isNotNull();
        assertThat(x.getMessage()).as("reason phrase").isNotBlank();
        switch (outcome) {
            case ANSWER_400, ANSWER_505 -> {
                assertThat(x.status()).isEqualTo(outcome == Outcome.ANSWER_400 ? 400 : 505);
                assertThat(x.isAnswerable()).isTrue();
                SipRequest partial = x.partialRequest();
                SipResponse answer = partial.createResponse(x.status(), x.getMessage(), "torture");
                assertThat(answer.callId()).isEqualTo(partial.callId());
                assertThat(answer.headers()).filteredOn(h -> h.is("Via")).isEqualTo(partial.headers().stream().filter(h -> h.is("Via")).toList());
                assertThat(new String(answer.toBytes(), StandardCharsets.ISO_8859_1)).startsWith("SIP/2.0 " + x.status() + " ");
            }
            case DROP -> {
                assertThat(x.status()).isZero();
                assertThat(x.partialRequest()).isNull();
                assertThat(x.isAnswerable()).isFalse();
            }
            default -> throw new AssertionError(outcome);
        }
    }

    private SipMessage catchParse(byte[] data) {
        try {
            return parser.parseDatagram(data, 0, data.length);
        } catch (SipParseException ex) {
            throw new AssertionError("must parse, but: " + ex.status() + " " + ex.getMessage(), ex);
        }
    }

    @Nested
    class ValidMessagesRfc4475 {
        @Test
        void wsinvUnfoldsHeadersAndMapsCompactNames() throws Exception {
            SipRequest r = request("wsinv");
            assertThat(r.requestUri()).isInstanceOfSatisfying(SipUri.class, u -> assertThat(u.hasParam("unknownparam")).isTrue());
            assertThat(r.to().tag()).isEqualTo("1918181833n");
            assertThat(r.to().sipUri().user()).isEqualTo("vivekg");
            assertThat(r.from().displayNameUnquoted()).isEqualTo("J Rosenberg \\\"");
            assertThat(r.from().tag()).isEqualTo("98asjd8");
            assertThat(r.maxForwards()).isEqualTo(68);
            assertThat(r.cseq().number()).isEqualTo(9);
            assertThat(r.cseq().method()).isEqualTo("INVITE");
            assertThat(r.vias()).extracting(Via::host).containsExactly("192.0.2.2", "spindle.example.com", "192.168.255.111");
            assertThat(r.vias()).extracting(Via::transport).containsExactly("UDP", "TCP", "UDP");
            assertThat(r.vias()).extracting(Via::branch).containsExactly("390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239");
            assertThat(r.header("Subject")).isEmpty();
            assertThat(r.header("NewFangledHeader")).isEqualTo("newfangled value continued newfangled value");
            assertThat(r.header("UnknownHeaderWithUnusualValue")).isEqualTo(";;,,;;,;");
            assertThat(r.routes()).singleElement().satisfies(a -> {
                assertThat(a.sipUri().isLooseRouter()).isTrue();
                assertThat(a.sipUri().param("unknownwith")).isEqualTo("value");
                assertThat(a.sipUri().hasParam("unknown-no-value")).isTrue();
            });
            NameAddress contact = r.contacts().get(0);
            assertThat(contact.displayNameUnquoted()).isEqualTo("Quoted string \"\"");
            assertThat(contact.params().names()).containsExactly("newparam", "secondparam", "q");
            assertThat(contact.param("q")).isEqualTo("0.33");
            assertThat(r.header("c")).isEqualTo("application/sdp");
            assertThat(r.body()).hasSize(150);
        }

        @Test
        void intmethKeepsOddTokensAndEveryOctetOfTheHeaders() throws Exception {
            SipRequest r = request("intmeth");
            String method = "!interesting-Method0123456789_*+`.%indeed'~";
            assertThat(r.method()).isEqualTo(method);
            assertThat(r.cseq().method()).isEqualTo(method);
            SipUri uri = (SipUri) r.requestUri();
            assertThat(uri.user()).isEqualTo("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
            assertThat(uri.password()).isEqualTo("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
            assertThat(uri.host()).isEqualTo("example.com");
            assertThat(r.to().displayName()).isEqualTo("\"BEL:\\\u0007 NUL:\\\0 DEL:\\\u007f\"");
            assertThat(r.from().displayName()).isEqualTo("token1~` token2'+_ token3*%!.-");
            assertThat(r.from().tag()).isEqualTo("_token~1'+`*%!-.");
            assertThat(r.topVia().branch()).isEqualTo("z9hG4bK-.!%66*_+`'~");
            assertThat(r.maxForwards()).isEqualTo(255);
            String ext = r.header("extensionHeader-!.%*+_`'~");
            assertThat(new String(ext.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)).isEqualTo("\uFEFF\u5927\u505C\u96FB");
        }

        @Test
        void esc01DecodesEscapesInsideUrisOnly() throws Exception {
            SipRequest r = request("esc01");
            assertThat(((SipUri) r.requestUri()).userUnescaped()).isEqualTo("sips:user@example.com");
            assertThat(r.requestUri().toString()).isEqualTo("sip:sips%3Auser%40example.com@example.net");
            assertThat(r.to().sipUri().userUnescaped()).isEqualTo("user");
            assertThat(r.from().sipUri().userUnescaped()).isEqualTo("I have spaces");
            SipUri contact = r.contacts().get(0).sipUri();
            assertThat(contact.userUnescaped()).isEqualTo("caller");
            assertThat(SipUri.unescape(contact.param("n%61me"))).isEqualTo("value%41");
            assertThat(contact.hasParam("%6C%72")).isTrue();
            assertThat(r.header("Content-Type")).isEqualTo("application/sdp");
        }

        @Test
        void escnullHasTwoDistinctContactsThatAreNotTruncatedAtTheNul() throws Exception {
            SipRequest r = request("escnull");
            assertThat(r.to().sipUri().userUnescaped()).isEqualTo("null-\0-null");
            List<NameAddress> contacts = r.contacts();
            assertThat(contacts).hasSize(2);
            assertThat(contacts.get(0).sipUri().userUnescaped()).isEqualTo("\0");
            assertThat(contacts.get(1).sipUri().userUnescaped()).isEqualTo("\0\0");
            assertThat(contacts.get(0).sipUri().equivalentTo(contacts.get(1).sipUri())).isFalse();
            assertThat(contacts.get(0).sipUri().toAddressOfRecord()).isNotEqualTo(contacts.get(1).sipUri().toAddressOfRecord());
        }

        @Test
        void esc02DoesNotDecodeEscapesInMethodsOrHeaderNames() throws Exception {
            SipRequest r = request("esc02");
            assertThat(r.method()).isEqualTo("RE%47IST%45R").isNotEqualTo("REGISTER");
            assertThat(r.to().displayNameUnquoted()).isEqualTo("%Z%45");
            assertThat(r.contacts()).extracting(a -> a.sipUri().user()).containsExactly("alias1", "alias3");
            assertThat(r.header("C%6Fntact")).isEqualTo("<sip:alias2@host2.example.com>");
        }

        @Test
        void lwsdispAcceptsADisplayNameRightBeforeTheAngleBracket() throws Exception {
            assertThat(request("lwsdisp").from().displayName()).isEqualTo("caller");
        }

        @Test
        void longreqKeepsLongValuesAndAllItsVias() throws Exception {
            SipRequest r = request("longreq");
            assertThat(r.vias()).hasSize(34);
            assertThat(r.callId()).startsWith("longreq.onereally").endsWith("longcallid");
            assertThat(r.to().displayNameUnquoted()).contains("extremeextreme");
            assertThat(r.from().tag()).hasSizeGreaterThan(100);
            assertThat(r.headers()).anySatisfy(h -> assertThat(h.name()).startsWith("Unknown-LongLongLong"));
            assertThat(r.body()).hasSize(150);
        }

        @Test
        void dblreqIsTheRegisterAloneTheTrailingInviteOctetsAreIgnored() throws Exception {
            SipRequest r = request("dblreq");
            assertThat(r.method()).isEqualTo("REGISTER");
            assertThat(r.body()).isEmpty();
            assertThat(r.callId()).isEqualTo("dblreq.0ha0isndaksdj99sdfafnl3lk233412");
            assertThat(r.contacts()).hasSize(1);
        }

        @Test
        void semiuriRequestUriUserPartContainsSemicolonAndAt() throws Exception {
            SipRequest r = request("semiuri");
            SipUri uri = (SipUri) r.requestUri();
            assertThat(uri.userUnescaped()).isEqualTo("user;par=u@example.net");
            assertThat(uri.host()).isEqualTo("example.com");
            assertThat(uri.params().isEmpty()).isTrue();
            assertThat(r.headerValues("Accept")).containsExactly(
                "application/sdp", "application/pkcs7-mime", "multipart/mixed", "multipart/signed", "message/sip", "message/sipfrag");
        }

        @Test
        void transportsKeepsEveryTransportIncludingUnknownOnes() throws Exception {
            assertThat(request("transports").vias()).extracting(Via::transport).containsExactly("UDP", "SCTP", "TLS", "UNKNOWN", "TCP");
        }

        @Test
        void mpart01BodyIsTheFiveHundredFiftyThreeOctetsAfterTheEmptyLine() throws Exception {
            byte[] data = TortureCorpus.bytes("mpart01");
            SipRequest r = request("mpart01");
            assertThat(r.body()).hasSize(553);
            assertThat(r.body()).isEqualTo(Arrays.copyOfRange(data, data.length - 553, data.length));
            assertThat(r.header("Content-Type")).isEqualTo("multipart/mixed;boundary=7a9cbec02ceef655");
        }

        @Test
        void unreasonKeepsTheUtf8ReasonPhraseOctets() throws Exception {
            SipResponse r = (SipResponse) parse("unreason");
            String reason = new String(r.reason().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            assertThat(reason).startsWith("= 2**3 * 5**2 \u043d\u043e \u0441\u0442\u043e");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).hasSize(154);
        }

        @Test
        void noreasonHasAnEmptyReasonPhrase() throws Exception {
            SipResponse r = (SipResponse) parse("noreason");
            assertThat(r.status()).isEqualTo(100);
            assertThat(r.reason()).isEmpty();
        }

        @Test
        void inv2543BodyIsTheRestOfTheDatagramAndRfc2543FieldsAreTolerated() throws Exception {
            byte[] data = TortureCorpus.bytes("inv2543");
            SipRequest r = request("inv2543");
            assertThat(r.hasHeader("Content-Length")).isFalse();
            assertThat(r.body()).isEqualTo(Arrays.copyOfRange(data, data.length - r.body().length, data.length));
            assertThat(new String(r.body(), StandardCharsets.ISO_8859_1)).startsWith("v=0\r\n").endsWith("m=audio 49217 RTP/AVP 0\r\n");
            assertThat(r.maxForwards()).isEqualTo(-1);
            assertThat(r.from().tag()).isNull();
            assertThat(r.topVia().branch()).isNull();
            assertThat(r.topVia().hasRfc3261Branch()).isFalse();
        }
    }

    @Nested
    class ValidMessagesRfc5118 {
        @Test
        void ipv6GoodHasIpv6ReferencesInRequestUriViaAndContact() throws Exception {
            SipRequest r = request("ipv6-good");
            assertThat(((SipUri) r.requestUri()).host()).isEqualTo("[2001:db8::10]");
            assertThat(r.topVia().host()).isEqualTo("[2001:db8::9:1]");
            assertThat(r.contacts().get(0).sipUri().host()).isEqualTo("[2001:db8::1]");
        }

        @Test
        void portAmbiguousHostKeepsTheFiveHexDigitsAndUsesTheDefaultPort() throws Exception {
            SipUri uri = (SipUri) request("port-ambiguous").requestUri();
            assertThat(uri.host()).isEqualTo("[2001:db8::10:5070]");
            assertThat(uri.port()).isEqualTo(-1);
            assertThat(uri.portOrDefault()).isEqualTo(5060);
        }

        @Test
        void portUnambiguousHasPort5070() throws Exception {
            SipUri uri = (SipUri) request("port-unambiguous").requestUri();
            assertThat(uri.host()).isEqualTo("[2001:db8::10]");
            assertThat(uri.port()).isEqualTo(5070);
        }

        @Test
        void viaReceivedIsToleratedWithAndWithoutBrackets() throws Exception {
            assertThat(request("via-received-param-with-delim").topVia().received()).isEqualTo("[2001:db8::9:255]");
            assertThat(request("via-received-param-no-delim").topVia().received()).isEqualTo("2001:db8::9:255");
        }

        @Test
        void multIpInHeaderMixesIpv4AndIpv6Vias() throws Exception {
            SipRequest r = request("mult-ip-in-header");
            assertThat(r.vias()).extracting(Via::host).containsExactly("[2001:db8::9:1]", "192.0.2.1", "[2001:db8::9:255]");
            assertThat(r.vias().get(0).port()).isEqualTo(6050);
            assertThat(r.vias().get(2).received()).isEqualTo("192.0.2.200");
        }

        @Test
        void ipv4MappedIpv6AddressesParseInViaAndContact() throws Exception {
            SipRequest r = request("ipv4-mapped-ipv6");
            assertThat(r.topVia().host()).isEqualTo("[::ffff:192.0.2.10]");
            assertThat(r.topVia().port()).isEqualTo(19823);
            assertThat(r.contacts().get(0).sipUri().host()).isEqualTo("[::ffff:192.0.2.2]");
            assertThat(r.body()).hasSize(245);
        }

        @Test
        void ipv6InSdpBodiesIsOnlyBody() throws Exception {
            assertThat(new String(request("ipv6-in-sdp").body(), StandardCharsets.ISO_8859_1)).contains("IN IP6 2001:db8::");
            assertThat(new String(request("mult-ip-in-sdp").body(), StandardCharsets.ISO_8859_1)).contains("IN IP4").contains("IN IP6");
        }

        @Test
        void threeColonAbnfBugIsToleratedAndTwoColonFormIsCorrect() throws Exception {
            assertThat(((SipUri) request("ipv6-bug-abnf-3-colons").requestUri()).host()).isEqualTo("[2001:db8:::192.0.2.1]");
            assertThat(request("ipv6-bug-abnf-3-colons").to().sipUri().host()).isEqualTo("[2001:db8:::192.0.2.1]");
            assertThat(((SipUri) request("ipv6-correct-abnf-2-colons").requestUri()).host()).isEqualTo("[2001:db8::192.0.2.1]");
        }
    }

    /** Application-layer cases: they parse; these are the fields the proxy and registrar answer from. */
    @Nested
    class ApplicationCases {
        @Test
        void unkscmHasAnUnknownRequestUriSchemeForA416() throws Exception {
            SipRequest r = request("unkscm");
            assertThat(r.requestUri()).isInstanceOf(AbsoluteUri.class);
            assertThat(r.requestUri().scheme()).isEqualTo("nobodyknowsthisscheme");
        }

        @Test
        void novelscHasTheSoapBeepSchemeForA416() throws Exception {
            assertThat(request("novelsc").requestUri().scheme()).isEqualTo("soap.beep");
        }

        @Test
        void unksm2HasNonSipUrisInToFromAndContactForARegistrar400() throws Exception {
            SipRequest r = request("unksm2");
            assertThat(r.to().uri().scheme()).isEqualTo("isbn");
            assertThat(r.to().sipUri()).isNull();
            assertThat(r.from().uri().scheme()).isEqualTo("http");
            assertThat(r.contacts().get(0).uri().scheme()).isEqualTo("name");
        }

        @Test
        void bext01HasUnknownOptionTagsForA420() throws Exception {
            SipRequest r = request("bext01");
            assertThat(r.headerValues("Require")).containsExactly("nothingSupportsThis", "nothingSupportsThisEither");
            assertThat(r.headerValues("Proxy-Require")).containsExactly("noProxiesSupportThis", "norDoAnyProxiesSupportThis");
        }

        @Test
        void invutHasAnUnknownContentTypeForA415AtAUas() throws Exception {
            SipRequest r = request("invut");
            assertThat(r.header("Content-Type")).isEqualTo("application/unknownformat");
            assertThat(r.body()).hasSize(40);
        }

        @Test
        void regaut01KeepsTheUnknownAuthorizationSchemeAsWritten() throws Exception {
            assertThat(request("regaut01").header("Authorization")).isEqualTo("NoOneKnowsThisScheme opaque-data=here");
        }

        @Test
        void bcastIsAResponseWhoseSecondViaIsTheBroadcastAddress() throws Exception {
            SipResponse r = (SipResponse) parse("bcast");
            assertThat(r.vias()).extracting(Via::host).containsExactly("192.0.2.198", "255.255.255.255");
        }

        @Test
        void zeromfHasMaxForwardsZeroForA483AtAProxy() throws Exception {
            assertThat(request("zeromf").maxForwards()).isZero();
        }

        @Test
        void cparam01UnknownparamIsAContactParameterNotAUriParameter() throws Exception {
            NameAddress c = request("cparam01").contacts().get(0);
            assertThat(c.params().has("unknownparam")).isTrue();
            assertThat(c.sipUri().hasParam("unknownparam")).isFalse();
        }

        @Test
        void cparam02UnknownparamIsAUriParameterOfTheBinding() throws Exception {
            NameAddress c = request("cparam02").contacts().get(0);
            assertThat(c.sipUri().hasParam("unknownparam")).isTrue();
            assertThat(c.params().has("unknownparam")).isFalse();
        }

        @Test
        void regescrtContactKeepsItsEscapedRouteHeader() throws Exception {
            SipUri c = request("regescrt").contacts().get(0).sipUri();
            assertThat(c.headers()).isEqualTo("Route=%3Csip:sip.example.com%3E");
            assertThat(SipUri.unescape(c.headers())).isEqualTo("Route=<sip:sip.example.com>");
        }

        @Test
        void sdp01AcceptsOnlyAnUnknownTypeForA406AtAUas() throws Exception {
            assertThat(request("sdp01").headerValues("Accept")).containsExactly("text/nobodyKnowsThis");
        }

        @Test
        void baddateParsesTheDateIsNotInterpreted() throws Exception {
            assertThat(request("baddate").header("Date")).isEqualTo("Fri, 01 Jan 2010 16:00:00 EST");
        }

        @Test
        void multi01AnswerCarriesOneOfEachSingletonHeader() throws Exception {
            byte[] data = TortureCorpus.bytes("multi01");
            SipParseException x = catchThrowableOfType(SipParseException.class, () -> parser.parseDatagram(data, 0, data.length));
            SipResponse answer = x.partialRequest().createResponse(400, x.getMessage(), "t");
            SipResponse reparsed = (SipResponse) parser.parse(answer.toBytes());
            assertThat(reparsed.callId()).isEqualTo("multi01.98asdh@192.0.2.1");
            assertThat(reparsed.cseq().number()).isEqualTo(5);
            assertThat(reparsed.to().tag()).isEqualTo("t");
        }
    }
}
