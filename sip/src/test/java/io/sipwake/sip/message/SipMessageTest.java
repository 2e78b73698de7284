package io.sipwake.sip.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The message model (RFC 3261 §7): header access, typed views and serialisation. */
class SipMessageTest {

    private static SipRequest request(String... namesAndValues) {
        List<Header> headers = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) headers.add(new Header(namesAndValues[i], namesAndValues[i + 1]));
        return new SipRequest("INVITE", SipUri.parse("sip:bob@biloxi.com"), headers);
    }

    private static SipRequest basic() {
        return request(
            "Via", "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds",
            "Max-Forwards", "70",
            "To", "Bob <sip:bob@biloxi.com>",
            "From", "Alice <sip:alice@atlanta.com>;tag=1928301774",
            "Call-ID", "a84b4c76e66710@pc33.atlanta.com",
            "CSeq", "314159 INVITE",
            "Contact", "<sip:alice@pc33.atlanta.com>");
    }

    @Nested
    class HeaderAccess {
        @Test
        void lookupIsCaseInsensitiveAndAcceptsCompactNames() {
            SipRequest r = basic();
            assertThat(r.header("call-id")).isEqualTo("a84b4c76e66710@pc33.atlanta.com");
            assertThat(r.header("i")).isEqualTo("a84b4c76e66710@pc33.atlanta.com");
            assertThat(r.header("f")).isEqualTo("Alice <sip:alice@atlanta.com>;tag=1928301774");
            assertThat(r.hasHeader("m")).isTrue();
            assertThat(r.header("Subject")).isNull();
            assertThat(r.hasHeader("Subject")).isFalse();
        }

        @Test
        void valuesOfAListHeaderAreSplitOnOneLineAndJoinedAcrossLines() {
            SipRequest r = request(
                "Via", "SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2",
                "Via", "SIP/2.0/UDP c;branch=z9hG4bK3",
                "Subject", "lunch, maybe");
            assertThat(r.headerCount("Via")).isEqualTo(2);
            assertThat(r.headerValues("v")).containsExactly(
                "SIP/2.0/UDP a;branch=z9hG4bK1", "SIP/2.0/UDP b;branch=z9hG4bK2", "SIP/2.0/UDP c;branch=z9hG4bK3");
            assertThat(r.vias()).extracting(Via::host).containsExactly("a", "b", "c");
            assertThat(r.headerValues("Subject")).as("not a list header").containsExactly("lunch, maybe");
        }

        @Test
        void contactsOnOneLineAndOnSeveralLinesAreAllReturnedInOrder() {
            SipRequest r = request(
                "Contact", "\"Mr. Watson, Jr.\" <sip:watson@worcester.example.com>;q=0.7, <sip:watson@bell.example.com>;q=0.1",
                "Contact", "sip:watson@home.example.com;expires=60");
            assertThat(r.contacts()).extracting(a -> a.sipUri().host())
                    .containsExactly("worcester.example.com", "bell.example.com", "home.example.com");
            assertThat(r.contacts().get(0).displayNameUnquoted()).isEqualTo("Mr. Watson, Jr.");
            assertThat(r.contacts().get(2).param("expires")).isEqualTo("60");
            assertThat(r.isContactWildcard()).isFalse();
        }

        @Test
        void wildcardContactIsReportedAndSkippedFromContacts() {
            SipRequest r = request("Contact", " * ", "Expires", "0");
            assertThat(r.isContactWildcard()).isTrue();
            assertThat(r.contacts()).isEmpty();
            assertThat(r.expires()).isZero();
        }

        @Test
        void emptyContactHeaderIsASyntaxError() {
            assertThatThrownBy(() -> request("Contact", "").contacts()).isInstanceOf(SipSyntaxException.class);
        }

        @Test
        void emptyAcceptHeaderHasNoValues() {
            assertThat(request("Accept", "").headerValues("Accept")).isEmpty();
        }

        @Test
        void addAppendsSetReplacesInPlaceAndRemoveDeletesEveryLine() {
            SipRequest r = basic();
            r.addHeader("k", "path");
            r.addHeader("Supported", "outbound");
            assertThat(r.headerValues("Supported")).containsExactly("path", "outbound");
            r.setHeader("Max-Forwards", "69");
            assertThat(r.headers().get(1)).isEqualTo(new Header("Max-Forwards", "69"));
            r.setHeader("Supported", "gruu");
            assertThat(r.headerValues("Supported")).containsExactly("gruu");
            assertThat(r.removeHeader("supported")).isEqualTo(1);
            assertThat(r.hasHeader("Supported")).isFalse();
            r.setHeader("Expires", "60");
            assertThat(r.headers().get(r.headers().size() - 1)).isEqualTo(new Header("Expires", "60"));
        }

        @Test
        void headersListIsReadOnly() {
            assertThatThrownBy(() -> basic().headers().clear()).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void addHeaderFirstPutsViaOnTopAndRecordRouteBeforeTheExistingOnes() {
            SipRequest r = basic();
            r.addHeaderFirst("Via", "SIP/2.0/TCP proxy.example.com;branch=z9hG4bKp1");
            assertThat(r.topVia().host()).isEqualTo("proxy.example.com");
            assertThat(r.vias()).hasSize(2);
            r.addHeaderFirst("Record-Route", "<sip:p2.example.com;lr>");
            r.addHeaderFirst("Record-Route", "<sip:p1.example.com;lr>");
            assertThat(r.recordRoutes()).extracting(a -> a.sipUri().host()).containsExactly("p1.example.com", "p2.example.com");
            SipRequest noVia = request("To", "<sip:a@b>");
            noVia.addHeaderFirst("Via", "SIP/2.0/UDP h;branch=z9hG4bK1");
            assertThat(noVia.headers().get(0).name()).isEqualTo("Via");
        }

        @Test
        void removeFirstValuePopsTheTopViaWhetherItSharesALineOrNot() {
            SipRequest r = request("Via", "SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2", "Via", "SIP/2.0/UDP c;branch=z9hG4bK3");
            assertThat(r.removeFirstValue("Via")).isEqualTo("SIP/2.0/UDP a;branch=z9hG4bK1");
            assertThat(r.topVia().host()).isEqualTo("b");
            assertThat(r.removeFirstValue("v")).isEqualTo("SIP/2.0/UDP b;branch=z9hG4bK2");
            assertThat(r.vias()).extracting(Via::host).containsExactly("c");
            assertThat(r.removeFirstValue("Via")).isNotNull();
            assertThat(r.removeFirstValue("Via")).isNull();
            assertThat(r.topVia()).isNull();
        }
    }

    @Nested
    class TypedViews {
        @Test
        void fromToCSeqCallIdAndMaxForwards() {
            SipRequest r = basic();
            assertThat(r.from().tag()).isEqualTo("1928301774");
            assertThat(r.from().displayName()).isEqualTo("Alice");
            assertThat(r.to().tag()).isNull();
            assertThat(r.cseq()).isEqualTo(new CSeq(314159, "INVITE"));
            assertThat(r.callId()).isEqualTo("a84b4c76e66710@pc33.atlanta.com");
            assertThat(r.maxForwards()).isEqualTo(70);
            assertThat(r.expires()).isEqualTo(-1);
            assertThat(r.routes()).isEmpty();
        }

        @Test
        void viewsFollowHeaderChanges() {
            SipRequest r = basic();
            assertThat(r.to().tag()).isNull();
            r.setHeader("To", "Bob <sip:bob@biloxi.com>;tag=a6c85cf");
            assertThat(r.to().tag()).isEqualTo("a6c85cf");
            r.setHeader("CSeq", "314160 INVITE");
            assertThat(r.cseq().number()).isEqualTo(314160);
            r.setHeader("From", "<sip:carol@chicago.com>;tag=9");
            assertThat(r.from().sipUri().user()).isEqualTo("carol");
            assertThat(r.vias()).hasSize(1);
            r.addHeader("Via", "SIP/2.0/UDP second;branch=z9hG4bK2");
            assertThat(r.vias()).hasSize(2);
        }

        @Test
        void topViaParsesOnlyTheTopValue() {
            SipRequest r = request("Via", "SIP/2.0/UDP good;branch=z9hG4bK1, garbage", "Via", "more garbage");
            assertThat(r.topVia().host()).isEqualTo("good");
            assertThatThrownBy(r::vias).isInstanceOf(SipSyntaxException.class);
        }

        @Test
        void maxForwardsAbove255IsRejected_rfc4475scalar02() {
            assertThat(request("Max-Forwards", "0068").maxForwards()).isEqualTo(68);
            assertThatThrownBy(() -> request("Max-Forwards", "300").maxForwards()).isInstanceOf(SipSyntaxException.class);
            assertThatThrownBy(() -> request("Max-Forwards", "-1").maxForwards()).isInstanceOf(SipSyntaxException.class);
        }

        @Test
        void hugeExpiresSaturatesAtTwoToThe32MinusOne_rfc3261section20_19() {
            assertThat(request("Expires", "1" + "0".repeat(100)).expires()).isEqualTo(0xFFFFFFFFL);
            assertThat(SipMessage.parseDeltaSeconds("4294967296", "Expires")).isEqualTo(0xFFFFFFFFL);
            assertThatThrownBy(() -> request("Expires", "soon").expires()).isInstanceOf(SipSyntaxException.class);
        }

        @Test
        void missingMandatoryHeaderGivesASyntaxErrorFromItsView() {
            SipRequest r = request("Via", "SIP/2.0/UDP h;branch=z9hG4bK1");
            assertThatThrownBy(r::from).isInstanceOf(SipSyntaxException.class).hasMessageContaining("From");
            assertThatThrownBy(r::to).isInstanceOf(SipSyntaxException.class).hasMessageContaining("To");
            assertThatThrownBy(r::cseq).isInstanceOf(SipSyntaxException.class).hasMessageContaining("CSeq");
            assertThat(r.callId()).isNull();
            assertThat(r.maxForwards()).isEqualTo(-1);
        }
    }

    @Nested
    class Serialisation {
        @Test
        void writesStartLineHeadersAsStoredAndAContentLengthThatMatchesTheBody() {
            SipRequest r = basic();
            r.addHeader("Content-Length", "999");
            r.setBody("hello".getBytes(StandardCharsets.US_ASCII), "text/plain");
            String text = new String(r.toBytes(), StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("INVITE sip:bob@biloxi.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds\r\n");
            assertThat(text).contains("\r\nContent-Type: text/plain\r\n");
            assertThat(text).doesNotContain("999");
            assertThat(text).endsWith("\r\nContent-Length: 5\r\n\r\nhello");
        }

        @Test
        void contentLengthIsZeroWithoutBodyAndHeaderNameCaseDoesNotMatter() {
            SipRequest r = request("content-length", "12", "Via", "SIP/2.0/UDP h;branch=z9hG4bK1");
            String text = new String(r.toBytes(), StandardCharsets.ISO_8859_1);
            assertThat(text).isEqualTo("INVITE sip:bob@biloxi.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n");
        }

        @Test
        void everyOctetOfParsedHeaderTextIsWrittenBackUnchanged() {
            String latin1OfUtf8 = new String("\u00e9t\u00e9 \u2603".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            SipRequest r = request("Subject", latin1OfUtf8);
            byte[] bytes = r.toBytes();
            assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("Subject: \u00e9t\u00e9 \u2603\r\n");
        }

        @Test
        void headerTextSetByCodeBeyondLatin1IsWrittenAsUtf8() {
            SipRequest r = request("Subject", "snow \u2603 \uD83D\uDE00", "X-Latin", "caf\u00e9");
            r.setBody(new byte[] {1, 2, 3});
            byte[] bytes = r.toBytes();
            String utf8 = new String(bytes, StandardCharsets.UTF_8);
            assertThat(utf8).contains("Subject: snow \u2603 \uD83D\uDE00\r\n").contains("Content-Length: 3\r\n\r\n");
            assertThat(bytes[bytes.length - 1]).isEqualTo((byte) 3);
            assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("X-Latin: caf\u00e9\r\n");
        }

        @Test
        void setBodyWithNullContentTypeRemovesContentType() {
            SipRequest r = basic();
            r.setBody(new byte[] {'x'}, "text/plain");
            r.setBody(null, null);
            assertThat(r.body()).isEmpty();
            assertThat(r.hasHeader("Content-Type")).isFalse();
        }

        @Test
        void toStringIsTheSerialisedMessage() {
            SipRequest r = basic();
            assertThat(r.toString()).isEqualTo(new String(r.toBytes(), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void copyIsIndependentOfTheOriginalsHeaders() {
        SipRequest r = basic();
        SipRequest c = r.copy();
        c.setHeader("Max-Forwards", "69");
        c.addHeaderFirst("Via", "SIP/2.0/UDP proxy;branch=z9hG4bKp");
        c.setRequestUri(SipUri.parse("sip:bob@192.0.2.4"));
        assertThat(r.maxForwards()).isEqualTo(70);
        assertThat(r.vias()).hasSize(1);
        assertThat(r.requestUri().toString()).isEqualTo("sip:bob@biloxi.com");
        assertThat(c.startLine()).isEqualTo("INVITE sip:bob@192.0.2.4 SIP/2.0");
        assertThat(c.isRequest()).isTrue();
        assertThat(c.isMethod("INVITE")).isTrue();
    }
}
