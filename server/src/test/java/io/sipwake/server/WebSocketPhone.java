package io.sipwake.server;

import io.sipwake.proxy.auth.DigestClient;
import io.sipwake.sip.message.HeaderNames;
import io.sipwake.sip.message.SipMessage;
import io.sipwake.sip.message.SipRequest;
import io.sipwake.sip.message.SipResponse;
import io.sipwake.sip.parser.SipParseException;
import io.sipwake.sip.parser.SipParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A minimal SIP phone over WebSocket (RFC 7118), driven step by step by a test: it registers with
 * digest authentication and answers a call, like a browser softphone. Every message it receives
 * is kept so the test can check it (for instance with JAIN-SIP).
 */
final class WebSocketPhone implements AutoCloseable {
    private final String user;
    private final String password;
    private final int port;
    private final String contactParams;
    private final String host = "phone-" + Long.toHexString(System.nanoTime()) + ".invalid";
    private final WebSocket socket;
    private final LinkedBlockingQueue<SipMessage> inbox = new LinkedBlockingQueue<>();
    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final SipParser parser = new SipParser();
    private int cseq = 1;

    WebSocketPhone(String user, String password, int port) throws Exception {
        this(user, password, port, "");
    }

    /** @param contactParams URI parameters for the registered Contact, e.g. RFC 8599 push parameters ({@code ";pn-provider=..."}) */
    WebSocketPhone(String user, String password, int port, String contactParams) throws Exception {
        this.user = user;
        this.password = password;
        this.port = port;
        this.contactParams = contactParams;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("sip")
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new Listener())
                .get(10, TimeUnit.SECONDS);
    }

    /** REGISTERs (answering the challenge) and returns the final response. */
    SipResponse register() throws Exception {
        String callId = "ws-reg-" + host;
        send(registerRequest(callId, null));
        SipResponse challenge = expectResponse("REGISTER");
        if (challenge.status() != 401) return challenge;
        String authorization = DigestClient.authorization(challenge.headerValues(HeaderNames.WWW_AUTHENTICATE).get(0), "REGISTER",
                "sip:127.0.0.1:" + port, user, password, "0a4f113b", 1);
        send(registerRequest(callId, authorization));
        return expectResponse("REGISTER");
    }

    private String registerRequest(String callId, String authorization) {
        return "REGISTER sip:127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/WS " + host + ";branch=z9hG4bK" + Long.toHexString(System.nanoTime()) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@127.0.0.1:" + port + ">;tag=ws" + cseq + "\r\n"
                + "To: <sip:" + user + "@127.0.0.1:" + port + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + (cseq++) + " REGISTER\r\n"
                + "Contact: <sip:" + user + "@" + host + ";transport=ws" + contactParams + ">;expires=300\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                + "Content-Length: 0\r\n\r\n";
    }

    /** Waits for a request of {@code method}. */
    SipRequest expectRequest(String method) throws InterruptedException {
        SipMessage m = next();
        if (!(m instanceof SipRequest r) || !r.isMethod(method)) throw new AssertionError("expected " + method + ", got " + m.startLine());
        return r;
    }

    SipResponse expectResponse(String cseqMethod) throws InterruptedException {
        while (true) {
            SipMessage m = next();
            if (m instanceof SipResponse r && r.cseq().method().equals(cseqMethod)) {
                if (r.status() == 100) continue;
                return r;
            }
            throw new AssertionError("expected a response to " + cseqMethod + ", got " + m.startLine());
        }
    }

    private SipMessage next() throws InterruptedException {
        SipMessage m = inbox.poll(15, TimeUnit.SECONDS);
        if (m == null) throw new AssertionError("the WebSocket phone received nothing for 15 s");
        return m;
    }

    /** Answers a request with {@code status}, as a UAS: To tag, Record-Route copied, Contact and SDP for a 2xx INVITE. */
    void answer(SipRequest request, int status) {
        SipResponse r = request.createResponse(status, null, "wsphone");
        if (request.isMethod("INVITE") && status < 300) {
            for (String rr : request.headerValues(HeaderNames.RECORD_ROUTE)) r.addHeader(HeaderNames.RECORD_ROUTE, rr);
            r.addHeader(HeaderNames.CONTACT, "<sip:" + user + "@" + host + ";transport=ws>");
            if (status == 200) {
                r.setBody(("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                        + "m=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n").getBytes(StandardCharsets.US_ASCII), "application/sdp");
            }
        }
        send(new String(r.toBytes(), StandardCharsets.ISO_8859_1));
    }

    /** Every message received so far, as bytes on the wire. */
    List<byte[]> received() {
        return received;
    }

    private void send(String text) {
        socket.sendText(text, true).join();
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                byte[] bytes = partial.toString().getBytes(StandardCharsets.UTF_8);
                partial.setLength(0);
                received.add(bytes);
                try {
                    inbox.add(parser.parseDatagram(bytes, 0, bytes.length));
                } catch (SipParseException e) {
                    throw new AssertionError("sipwake sent an unparseable message over WebSocket: " + e.getMessage());
                }
            }
            ws.request(1);
            return null;
        }
    }
}
