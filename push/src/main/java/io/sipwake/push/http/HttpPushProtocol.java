package io.sipwake.push.http;

import io.sipwake.push.PushRequest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;

/**
 * What differs between push protocols that POST to a URL the phone registered ({@link HttpWakeSender} runs them
 * all, with the same guard against server-side request forgery, retries and outcomes): the provider, names for
 * logs and errors, and the request itself.
 */
public interface HttpPushProtocol {

    /** The {@code pn-provider} served, lower case. */
    String provider();

    /** What the sender is called in logs and errors, e.g. "HTTP wake-up". */
    String label();

    /** The configuration key of the allow-list, named when a URL is refused, e.g. {@code push.http.allow-hosts}. */
    String allowListKey();

    /** One attempt's request to {@code uri}: method, headers and body ({@code now} is when it is sent). */
    HttpRequest.Builder request(PushRequest request, URI uri, Instant now);
}
