/**
 * APNs (Apple Push Notification service) sender: {@link io.sipwake.push.apns.ApnsPushSender}, configured by
 * {@link io.sipwake.push.apns.ApnsSettings}. Everything else here is package-private machinery: pn-param/pn-prid
 * parsing ({@code ApnsTarget}), headers and payload ({@code ApnsContent}) and the meaning of APNs answers
 * ({@code ApnsVerdict}).
 */
package io.sipwake.push.apns;
