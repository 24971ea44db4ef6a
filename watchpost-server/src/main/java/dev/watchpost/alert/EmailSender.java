package dev.watchpost.alert;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * E-mail over SMTP (Angus Mail): STARTTLS (required, not opportunistic), TLS from the first byte,
 * or plain; optional authentication; several recipients and Cc. Plain text, UTF-8. One message per
 * delivery: a single alert, or, for batched channels and rate-limit summaries, practable's round
 * message (new events counted per target, system-wide alerts, the current problems of the targets
 * the channel's rules select, the status page).
 */
final class EmailSender implements Sender {

    private final Channel.Email settings;
    private final Duration timeout;

    EmailSender(Channel.Email settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
    }

    /** The SMTP session's properties for these settings (pure, tested without a server). */
    static Properties properties(Channel.Email s, Duration timeout) {
        Properties p = new Properties();
        String proto = s.tls() == Channel.Tls.TLS ? "smtps" : "smtp";
        p.put("mail.transport.protocol", proto);
        p.put("mail." + proto + ".host", s.host());
        p.put("mail." + proto + ".port", Integer.toString(s.port()));
        p.put("mail." + proto + ".auth", Boolean.toString(s.username().isPresent()));
        String ms = Long.toString(timeout.toMillis());
        p.put("mail." + proto + ".connectiontimeout", ms);
        p.put("mail." + proto + ".timeout", ms);
        p.put("mail." + proto + ".writetimeout", ms);
        if (s.tls() == Channel.Tls.STARTTLS) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true"); // never fall back to sending a password in the clear
        }
        if (s.tls() != Channel.Tls.NONE) {
            p.put("mail." + proto + ".ssl.checkserveridentity", "true");
        }
        return p;
    }

    @Override
    public Alert.Attempt send(Delivery d, Instant at) throws InterruptedException {
        Session session = Session.getInstance(properties(settings, timeout), settings.username().isEmpty() ? null
                : new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return new PasswordAuthentication(settings.username().get(), settings.password().orElse(""));
                    }
                });
        try {
            MimeMessage m = message(session, d);
            Transport.send(m);
            return new Alert.Attempt(at, d.key(), Optional.of(250), Optional.empty());
        } catch (MessagingException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("stopping");
            }
            return new Alert.Attempt(at, d.key(), Optional.empty(), Optional.of("SMTP " + settings.host() + ":" + settings.port()
                    + ": " + reason(e)));
        }
    }

    MimeMessage message(Session session, Delivery d) throws MessagingException {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(settings.from(), true));
        m.setRecipients(Message.RecipientType.TO, addresses(settings.to()));
        if (!settings.cc().isEmpty()) {
            m.setRecipients(Message.RecipientType.CC, addresses(settings.cc()));
        }
        m.setSubject(subject(d), "UTF-8");
        m.setText(body(d), "UTF-8");
        m.setSentDate(Date.from(d.ctx().now()));
        m.setHeader("X-Watchpost-Delivery", d.key()); // a retry after a crash is recognisable
        m.setHeader("Auto-Submitted", "auto-generated");
        return m;
    }

    static String subject(Delivery d) {
        if (d.summary()) {
            return "[Watchpost] " + Texts.summaryTitle(d.alerts(), d.ctx());
        }
        Alert a = d.first();
        return "[Watchpost] " + Texts.title(a, d.ctx()) + a.targetId().map(id -> " (" + id + ")").orElse("");
    }

    static String body(Delivery d) {
        Texts.Context ctx = d.ctx();
        if (d.summary()) {
            return "Watchpost: " + Texts.summaryHeadline(d.alerts(), ctx) + "\n\n" + Texts.summary(d.alerts(), ctx, Template.PLAIN, true)
                    + "\n";
        }
        Alert a = d.first();
        StringBuilder b = new StringBuilder();
        b.append(Texts.line(a, ctx, Template.PLAIN)).append("\n");
        Texts.url(a, ctx).ifPresent(u -> b.append("\n").append(u).append("\n"));
        b.append("\n-- \nSent by Watchpost at ").append(ctx.time(ctx.now())).append(" (rule ").append(a.ruleId())
                .append(", channel ").append(a.channelId()).append(")\n");
        return b.toString();
    }

    private static InternetAddress[] addresses(List<String> list) throws MessagingException {
        InternetAddress[] out = new InternetAddress[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new InternetAddress(list.get(i), true);
        }
        return out;
    }

    private static String reason(Exception e) {
        Throwable t = e;
        String msg = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                msg = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        msg = msg == null ? e.getClass().getSimpleName() : msg.replaceAll("\\s+", " ").strip();
        return msg.length() > 300 ? msg.substring(0, 300) + "…" : msg;
    }

}
