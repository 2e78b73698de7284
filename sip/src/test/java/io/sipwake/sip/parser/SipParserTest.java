package io.sipwake.sip.parser;

import static io.sipwake.sip.testing.SipText.bytes;
import static io.sipwake.sip.testing.SipText.latin1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sipwake.sip.message.Header;
import io.sipwake.sip.message.NameAddress;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.message.SipUri;
import io.sipwake.sip.message.TelUri;
import io.sipwake.sip.message.Via;
import io.sipwake.sip.testing.SipText;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SipParser} as a specification of RFC 3261 §7, §20 and §25 message syntax. */
class SipParserTest {
    private final SipParser parser = new SipParser();

    private SipMessage parse(byte[] data) throws SipParseException {
        return parser.parseDatagram(data, 0, data.length);
    }

    private SipRequest request(String... lines) throws SipParseException {
        return (SipRequest) parse(bytes(lines));
    }

    private SipParseException failure(byte[] data) {
        SipParseException e = catchThrowableOfType(SipParseException.class, () -> parse(data));
        assertThat(e).as("parse must fail").isNotNull();
        return e;
    }

    /**
     * A minimal valid OPTIONS, changed by {@code changes}: {@code "-Name"} drops that header,
     * {@code "=Name: value"} replaces it, any other line is added before Content-Length.
     */
    private static String[] options(String... changes) {
        List<String> lines = new ArrayList<>(List.of(
            "OPTIONS sip:carol@chicago.com SIP/2.0",
            "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKhjhs8ass877",
            "Max-Forwards: 70",
            "To: <sip:carol@chicago.com>",
            "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710",
            "CSeq: 63104 OPTIONS",
            "Content-Length: 0"));
        for (String c : changes) {
            if (c.startsWith("-")) {
                lines.removeIf(l -> l.startsWith(c.substring(1) + ":"));
            } else if (c.startsWith("=")) {
                String prefix = c.substring(1, c.indexOf(':') + 1);
                lines.replaceAll(l -> l.startsWith(prefix) ? c.substring(1) : l);
            } else {
                lines.add(lines.size() - 1, c);
            }
        }
        lines.add("");
        return lines.toArray(new String[0]);
    }

    @Nested
    class StartLine {
        @Test
        void requestLineGivesMethodAndRequestUri() throws Exception {
            SipRequest r = request(options());
            assertThat(r.method()).isEqualTo("OPTIONS");
            assertThat(r.requestUri()).isInstanceOf(SipUri.class);
            assertThat(r.requestUri().toString()).isEqualTo("sip:carol@chicago.com");
            assertThat(r.startLine()).isEqualTo("OPTIONS sip:carol@chicago.com SIP/2.0");
        }

        @Test
        void requestUriMayBeATelUri() throws Exception {
            String[] lines = options();
            lines[0] = "OPTIONS tel:+1-201-555-0123 SIP/2.0";
            assertThat(request(lines).requestUri()).isInstanceOf(TelUri.class);
        }

        @Test
        void versionIsCaseInsensitive_rfc3261section7_1() throws Exception {
            String[] lines = options();
            lines[0] = "OPTIONS sip:carol@chicago.com sip/2.0";
            assertThat(request(lines).startLine()).isEqualTo("OPTIONS sip:carol@chicago.com SIP/2.0");
        }

        @Test
        void statusLineGivesCodeAndReasonPhraseWithSpaces() throws Exception {
            SipResponse r = (SipResponse) parse(bytes(
                "SIP/2.0 180 Ringing Loudly Now",
                "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds",
                "To: Bob <sip:bob@biloxi.com>;tag=a6c85cf",
                "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
                "Call-ID: a84b4c76e66710",
                "CSeq: 314159 INVITE",
                "Content-Length: 0", ""));
            assertThat(r.status()).isEqualTo(180);
            assertThat(r.reason()).isEqualTo("Ringing Loudly Now");
            assertThat(r.to().tag()).isEqualTo("a6c85cf");
        }

        @Test
        void unsupportedVersionIsAnswered505_rfc4475badvers() {
            String[] lines = options();
            lines[0] = "OPTIONS sip:carol@chicago.com SIP/7.0";
            SipParseException e = failure(bytes(lines));
            assertThat(e.status()).isEqualTo(505);
            assertThat(e.isAnswerable()).isTrue();
            assertThat(e.partialRequest().method()).isEqualTo("OPTIONS");
        }

        @Test
        void unsupportedViaVersionIsAnswered505() {
            SipParseException e = failure(bytes(options("-Via", "Via: SIP/3.0/UDP pc33.atlanta.com;branch=z9hG4bKx")));
            assertThat(e.status()).isEqualTo(505);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "OPTIONS  sip:carol@chicago.com SIP/2.0",
            "OPTIONS sip:carol@chicago.com SIP/2.0 ",
            "OPTIONS sip:carol@chicago.com; lr SIP/2.0",
            "OPTIONS <sip:carol@chicago.com> SIP/2.0",
            "OPTIONS sip:carol@chicago.com?Route=%3Csip:x%3E SIP/2.0",
            "OPTIONS sip:carol@chicago.com",
            "OPTIONS sip:carol@chicago.com HTTP/1.1",
            "OPTIONS sip:2001:db8::10 SIP/2.0"})
        void malformedRequestLineIsAnswered400(String requestLine) {
            String[] lines = options();
            lines[0] = requestLine;
            SipParseException e = failure(bytes(lines));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.isAnswerable()).isTrue();
            assertThat(e.getMessage()).isNotBlank();
        }

        @Test
        void requestLineWithoutATokenMethodIsRefusedButNotAnswered() {
            String[] lines = options();
            lines[0] = "OPT@IONS sip:carol@chicago.com SIP/2.0";
            SipParseException e = failure(bytes(lines));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.isAnswerable()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"SIP/2.0 4294967301 Huge", "SIP/2.0 99 Low", "SIP/2.0 700 High", "SIP/2.0 20x OK", "SIP/2.0  200 OK", "SIP/3.0 200 OK"})
        void malformedStatusLineIsDroppedNotAnswered(String statusLine) {
            SipParseException e = failure(bytes(statusLine, "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "To: <sip:a@b>;tag=1",
                "From: <sip:c@d>;tag=2", "Call-ID: x", "CSeq: 1 INVITE", "Content-Length: 0", ""));
            assertThat(e.status()).isZero();
            assertThat(e.partialRequest()).isNull();
            assertThat(e.isAnswerable()).isFalse();
        }

        @Test
        void requestMethodMustMatchTheCSeqMethod_rfc4475mismatch01() {
            SipParseException e = failure(bytes(options("=CSeq: 1 INVITE")));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("CSeq");
        }

        @Test
        void leadingEmptyLinesBeforeTheStartLineAreIgnored_rfc3261section7_5() throws Exception {
            byte[] m = latin1("\r\n\r\n" + SipText.lines(options()));
            assertThat(((SipRequest) parse(m)).method()).isEqualTo("OPTIONS");
        }
    }

    @Nested
    class Headers {
        @Test
        void compactNamesAreStoredUnderTheirLongNames() throws Exception {
            SipRequest r = request(
                "INVITE sip:bob@biloxi.com SIP/2.0",
                "v: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds",
                "t: <sip:bob@biloxi.com>",
                "f: <sip:alice@atlanta.com>;tag=1",
                "i: a84b4c76e66710",
                "CSeq: 1 INVITE",
                "m: <sip:alice@pc33.atlanta.com>",
                "s: lunch",
                "k: path",
                "c: application/sdp",
                "e: gzip",
                "l: 0",
                "");
            assertThat(r.headers()).extracting(Header::name).containsExactly(
                "Via", "To", "From", "Call-ID", "CSeq", "Contact", "Subject", "Supported", "Content-Type", "Content-Encoding", "Content-Length");
            assertThat(r.callId()).isEqualTo("a84b4c76e66710");
            assertThat(r.contacts()).hasSize(1);
        }

        @Test
        void namesAreCaseInsensitiveAndMayHaveWhiteSpaceBeforeTheColon() throws Exception {
            SipRequest r = request(options("-Max-Forwards", "MaX-fOrWaRdS  \t: 0068", "NewFangledHeader:   newfangled value"));
            assertThat(r.maxForwards()).isEqualTo(68);
            assertThat(r.header("max-forwards")).isEqualTo("0068");
            assertThat(r.header("NEWFANGLEDHEADER")).isEqualTo("newfangled value");
            assertThat(r.headers()).extracting(Header::name).contains("NewFangledHeader", "Max-Forwards");
        }

        @Test
        void foldedLinesJoinWithASingleSpace_rfc3261section7_3_1() throws Exception {
            SipRequest r = request(options(
                "Subject: I know you're there,",
                "\t   pick up the phone",
                "  and talk to me!"));
            assertThat(r.header("Subject")).isEqualTo("I know you're there, pick up the phone and talk to me!");
        }

        @Test
        void valueMayStartOnAContinuationLine() throws Exception {
            SipRequest r = request(options("-To", "To :", " <sip:carol@chicago.com>", "  ;", "  tag = 5"));
            assertThat(r.to().tag()).isEqualTo("5");
        }

        @Test
        void foldedViaIsParsedAfterUnfolding_rfc4475wsinv() throws Exception {
            SipRequest r = request(options("-Via", "Via  : SIP  /   2.0", " /UDP", "    192.0.2.2;branch=390skdjuw"));
            Via v = r.topVia();
            assertThat(v.host()).isEqualTo("192.0.2.2");
            assertThat(v.branch()).isEqualTo("390skdjuw");
        }

        @Test
        void severalValuesOnOneLineAndAcrossLinesKeepTheirOrder() throws Exception {
            SipRequest r = request(options(
                "-Via",
                "Via: SIP/2.0/UDP first.example.com;branch=z9hG4bK1, SIP/2.0/TCP second.example.com;branch=z9hG4bK2",
                "Via: SIP/2.0/UDP third.example.com;branch=z9hG4bK3",
                "Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>",
                "Route: <sip:p3.example.com;lr>",
                "Accept: application/sdp, application/pkcs7-mime,",
                "        multipart/mixed"));
            assertThat(r.vias()).extracting(Via::host).containsExactly("first.example.com", "second.example.com", "third.example.com");
            assertThat(r.topVia().transport()).isEqualTo("UDP");
            assertThat(r.routes()).extracting(a -> a.sipUri().host()).containsExactly("p1.example.com", "p2.example.com", "p3.example.com");
            assertThat(r.headerValues("Accept")).containsExactly("application/sdp", "application/pkcs7-mime", "multipart/mixed");
        }

        @Test
        void quotedStringsKeepCommasAndEscapedQuotes() throws Exception {
            SipRequest r = request(options(
                "Contact: \"Watson, Thomas \\\"Tom\\\"\" <sip:watson@worcester.example.com>;q=0.7, <sip:watson@bell.example.com>"));
            List<NameAddress> contacts = r.contacts();
            assertThat(contacts).hasSize(2);
            assertThat(contacts.get(0).displayNameUnquoted()).isEqualTo("Watson, Thomas \"Tom\"");
            assertThat(contacts.get(0).param("q")).isEqualTo("0.7");
        }

        @Test
        void addrSpecParametersAreHeaderParametersAndNameAddrOnesUriParameters_rfc4475cparam() throws Exception {
            SipRequest r = request(options(
                "Contact: sip:+19725552222@gw1.example.net;unknownparam",
                "Contact: <sip:+19725552222@gw2.example.net;unknownparam>"));
            assertThat(r.contacts().get(0).params().has("unknownparam")).isTrue();
            assertThat(r.contacts().get(0).sipUri().hasParam("unknownparam")).isFalse();
            assertThat(r.contacts().get(1).params().has("unknownparam")).isFalse();
            assertThat(r.contacts().get(1).sipUri().hasParam("unknownparam")).isTrue();
        }

        @Test
        void emptyAndUnknownHeadersAreKeptAsWritten() throws Exception {
            SipRequest r = request(options("s :", "UnknownHeaderWithUnusualValue: ;;,,;;,;"));
            assertThat(r.header("Subject")).isEmpty();
            assertThat(r.header("UnknownHeaderWithUnusualValue")).isEqualTo(";;,,;;,;");
        }

        @Test
        void headerOrderIsPreserved() throws Exception {
            SipRequest r = request(options("X-First: 1", "Y-Second: 2", "X-First: 3"));
            List<String> names = r.headers().stream().map(Header::name).toList();
            assertThat(names.subList(names.size() - 4, names.size())).containsExactly("X-First", "Y-Second", "X-First", "Content-Length");
            assertThat(r.headerValues("X-First")).containsExactly("1", "3");
        }

        @Test
        void bareLfLineEndsAreTolerated() throws Exception {
            String text = String.join("\n", options()) + "\n";
            SipRequest r = (SipRequest) parse(latin1(text));
            assertThat(r.callId()).isEqualTo("a84b4c76e66710");
            assertThat(r.header("CSeq")).isEqualTo("63104 OPTIONS");
        }

        @Test
        void octetsAbove127InHeaderValuesSurvive_rfc4475intmeth() throws Exception {
            byte[] utf8 = "\u00e9\u2603".getBytes(StandardCharsets.UTF_8);
            SipRequest r = request(options("X-Utf8: " + new String(utf8, StandardCharsets.ISO_8859_1)));
            assertThat(r.header("X-Utf8").getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(utf8);
        }
    }

    @Nested
    class MandatoryHeaders {
        @ParameterizedTest
        @ValueSource(strings = {"Via", "To", "From", "Call-ID", "CSeq"})
        void missingMandatoryHeaderIsAnswered400NamingIt(String name) {
            SipParseException e = failure(bytes(options("-" + name)));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains(name);
            assertThat(e.partialRequest()).isNotNull();
        }

        @Test
        void requestWithoutMaxForwardsIsAccepted_rfc4475inv2543() throws Exception {
            assertThat(request(options("-Max-Forwards")).maxForwards()).isEqualTo(-1);
        }

        @ParameterizedTest
        @ValueSource(strings = {"To: <sip:x@y>", "From: <sip:x@y>;tag=2", "Call-ID: other", "CSeq: 2 OPTIONS", "Max-Forwards: 5"})
        void duplicateSingletonHeaderIsAnswered400_rfc4475multi01(String duplicate) {
            String[] base = options();
            String[] lines = Arrays.copyOf(base, base.length + 1);
            lines[lines.length - 2] = duplicate;
            lines[lines.length - 1] = "";
            SipParseException e = failure(bytes(lines));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("more than one");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "To: \"unterminated <sip:carol@chicago.com>", "From: Bell, Alexander <sip:bell@example.com>;tag=1",
            "CSeq: 36893488147419103232 OPTIONS", "Max-Forwards: 300", "Call-ID: two words", "Contact: <sip:a@b>;;;;",
            "Route: sip:no-brackets@example.com;lr, <", "Record-Route: <sip:a@b", "Expires: tomorrow",
            "Contact: sip:user@example.com?Route=%3Csip:x%3E", "To: <sip:carol@chicago.com>;tag", "From: <sip:a@b>;tag"})
        void malformedRoutingHeaderIsAnswered400(String bad) {
            String name = bad.substring(0, bad.indexOf(':'));
            SipParseException e = failure(bytes(options("-" + name, bad)));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains(name);
        }

        @Test
        void branchThatIsOnlyTheMagicCookieIsAnswered400_rfc4475badbranch() {
            SipParseException e = failure(bytes(options("-Via", "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK")));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.isAnswerable()).isTrue();
        }
    }

    @Nested
    class Answerability {
        @Test
        void malformedHeaderLineIsAnswered400WithTheOtherHeadersKept() {
            SipParseException e = failure(bytes(options("This line has no colon")));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("malformed header line");
            assertThat(e.isAnswerable()).isTrue();
            SipResponse r = e.partialRequest().createResponse(e.status(), e.getMessage(), "t1");
            assertThat(r.callId()).isEqualTo("a84b4c76e66710");
            assertThat(r.to().tag()).isEqualTo("t1");
        }

        @Test
        void badHeaderNameIsAnswered400() {
            SipParseException e = failure(bytes(options("Bad Name: value")));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("header name");
            assertThat(e.isAnswerable()).isTrue();
        }

        @Test
        void continuationBeforeTheFirstHeaderIsAnswered400() {
            String[] lines = options();
            String[] withFold = new String[lines.length + 1];
            withFold[0] = lines[0];
            withFold[1] = " folded start";
            System.arraycopy(lines, 1, withFold, 2, lines.length - 1);
            SipParseException e = failure(bytes(withFold));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.isAnswerable()).isTrue();
        }

        @Test
        void requestWithAMangledViaIsStillAnswered_rfc4475badinv01() {
            SipParseException e = failure(bytes(options("-Via", "Via: SIP/2.0/UDP 192.0.2.15;;,;,,")));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.isAnswerable()).isTrue();
            assertThat(e.partialRequest().createResponse(400, e.getMessage(), "t").header("Via")).isEqualTo("SIP/2.0/UDP 192.0.2.15;;,;,,");
        }

        @Test
        void requestWithoutViaCannotBeAnswered() {
            SipParseException e = failure(bytes(options("-Via")));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.partialRequest()).isNotNull();
            assertThat(e.isAnswerable()).isFalse();
        }

        @Test
        void requestWithABadLowerViaCanStillBeAnswered() {
            SipParseException e = failure(bytes(options("Via: this is not a via")));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.isAnswerable()).isTrue();
        }

        @Test
        void requestWithoutCallIdFromAndToIsStillAnsweredByItsVia_rfc4475insuf() {
            SipParseException e = failure(bytes(options("-Call-ID", "-From", "-To")));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.isAnswerable()).isTrue();
            SipResponse r = e.partialRequest().createResponse(400, e.getMessage(), "t");
            assertThat(r.topVia().branch()).isEqualTo("z9hG4bKhjhs8ass877");
            assertThat(r.header("CSeq")).isEqualTo("63104 OPTIONS");
        }

        @Test
        void malformedResponseIsAlwaysDropped() {
            SipParseException e = failure(bytes("SIP/2.0 200 OK", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "This line has no colon",
                "To: <sip:a@b>;tag=1", "From: <sip:c@d>;tag=2", "Call-ID: x", "CSeq: 1 INVITE", ""));
            assertThat(e.status()).isZero();
            assertThat(e.isAnswerable()).isFalse();
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "\r\n", "\r\n\r\n\r\n", "\u0000\u0001\u0002\u00ff", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "SIP/2.0"})
        void junkIsDroppedOrRefusedWithoutAnyOtherException(String junk) {
            SipParseException e = failure(latin1(junk));
            assertThat(e.status()).isIn(0, 400);
            if (e.status() == 0) assertThat(e.partialRequest()).isNull();
        }
    }

    @Nested
    class DatagramBody {
        private byte[] withBody(String contentLength, String body) {
            String head = SipText.lines(options("-Content-Length", contentLength == null ? "X-No-Length: 1" : "Content-Length: " + contentLength));
            return latin1(head + body);
        }

        @Test
        void bodyIsTheContentLengthOctetsAfterTheEmptyLine() throws Exception {
            assertThat(parse(withBody("5", "hello")).body()).isEqualTo(latin1("hello"));
        }

        @Test
        void octetsBeyondContentLengthAreIgnored_rfc4475dblreq() throws Exception {
            assertThat(parse(withBody("5", "hello, and more")).body()).isEqualTo(latin1("hello"));
        }

        @Test
        void withoutContentLengthTheBodyIsTheRestOfTheDatagram_rfc3261section18_3() throws Exception {
            assertThat(parse(withBody(null, "v=0\r\nrest")).body()).isEqualTo(latin1("v=0\r\nrest"));
        }

        @Test
        void bodyMayHoldAnyOctet() throws Exception {
            String binary = "\u0000\r\u0000\n\u00ff\r\n\r\n";
            assertThat(parse(withBody(String.valueOf(binary.length()), binary)).body()).isEqualTo(latin1(binary));
        }

        @Test
        void contentLengthLargerThanTheDatagramIsAnswered400_rfc4475clerr() {
            SipParseException e = failure(withBody("9999", "short"));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("Content-Length");
            assertThat(e.isAnswerable()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"-999", "five", "5 5", "", "0x10", "+5"})
        void malformedContentLengthIsAnswered400_rfc4475ncl(String value) {
            SipParseException e = failure(withBody(value, "hello"));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("Content-Length");
        }

        @Test
        void conflictingContentLengthsAreAnswered400_rfc4475mcl01() {
            SipParseException e = failure(latin1(SipText.lines(options("-Content-Length", "Content-Length: 5", "l: 3")) + "hello"));
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).contains("conflicting");
        }

        @Test
        void repeatedEqualContentLengthsAreAccepted() throws Exception {
            assertThat(parse(latin1(SipText.lines(options("-Content-Length", "Content-Length: 5", "l: 005")) + "hello")).body()).hasSize(5);
        }

        @Test
        void datagramEndingWithoutTheEmptyLineIsAccepted() throws Exception {
            String text = SipText.lines(options());
            assertThat(parse(latin1(text.substring(0, text.length() - 2))).isRequest()).isTrue();
        }

        @Test
        void parsesAMessageInsideALargerBuffer() throws Exception {
            byte[] message = bytes(options());
            byte[] buffer = new byte[message.length + 20];
            Arrays.fill(buffer, (byte) 'x');
            System.arraycopy(message, 0, buffer, 10, message.length);
            SipMessage m = parser.parseDatagram(buffer, 10, message.length);
            assertThat(m.callId()).isEqualTo("a84b4c76e66710");
        }
    }

    @Nested
    class Framed {
        @Test
        void framedMessageMustEndItsHeadersWithAnEmptyLine() {
            String text = SipText.lines(options());
            byte[] noEmptyLine = latin1(text.substring(0, text.length() - 2));
            SipParseException e = catchThrowableOfType(SipParseException.class, () -> parser.parseFramed(noEmptyLine, 0, noEmptyLine.length));
            assertThat(e.status()).isZero();
        }

        @Test
        void framedMessageWithoutContentLengthHasNoBody() throws Exception {
            byte[] m = latin1(SipText.lines(options("-Content-Length")) + "junk");
            assertThat(parser.parseFramed(m, 0, m.length).body()).isEmpty();
        }

        @Test
        void parseIsTheSameAsParseDatagram() throws Exception {
            byte[] m = bytes(options());
            assertThat(parser.parse(m).toString()).isEqualTo(parser.parseDatagram(m, 0, m.length).toString());
        }
    }

    @Test
    void parserKeepsItsLimits() {
        assertThat(parser.limits()).isEqualTo(ParseLimits.DEFAULT);
        ParseLimits small = new ParseLimits(1024, 512, 16, 128);
        assertThat(new SipParser(small).limits()).isSameAs(small);
    }

    @Test
    void registerWithRfc8599ContactParametersExposesThem() throws Exception {
        SipRequest r = (SipRequest) parse(SipText.register());
        assertThat(r.method()).isEqualTo("REGISTER");
        assertThat(r.contacts()).hasSize(1);
        assertThatThrownBy(() -> r.contacts().get(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
