/**
 * An FCM HTTP v1 double that runs in-process: {@link io.sipwake.push.fcm.testing.FakeFcmServer} (Google's OAuth2
 * token endpoint and {@code messages:send}, with FCM's real error bodies, {@link io.sipwake.push.fcm.testing.FcmFault})
 * and made-up service accounts ({@link io.sipwake.push.fcm.testing.TestServiceAccount}). In the main jar because
 * {@code sipwake demo} runs it; the tests use it too.
 */
package io.sipwake.push.fcm.testing;
