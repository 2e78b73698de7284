/**
 * An APNs double that runs in-process: {@link io.sipwake.push.apns.testing.MockApns} (Pushy's MockApnsServer over
 * TLS and HTTP/2, checking JWTs, topics and device tokens like APNs) and the key material it needs
 * ({@link io.sipwake.push.apns.testing.ApnsTestCredentials}). In the main jar because {@code sipwake demo} runs it;
 * the tests use it too. Never used by a production sender.
 */
package io.sipwake.push.apns.testing;
