using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// The e-mail relay, bound from <c>Notifications:Smtp:*</c>. Setting <see cref="Host"/> turns the SMTP
/// sender on; every other key is then validated at start (<see cref="SmtpOptionsValidator"/>).
/// </summary>
public sealed class SmtpOptions
{
    public const string Section = "Notifications:Smtp";

    /// <summary>The relay's host name or address. Empty (default): no e-mail is sent over SMTP.</summary>
    public string? Host { get; set; }

    /// <summary>The relay's port. Default 587 (submission with STARTTLS); 465 is usual for <see cref="SmtpSecurity.Tls"/>.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>None (loopback relays only), StartTls (default) or Tls (implicit TLS).</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>
    /// A PEM file of CA certificates to trust besides the system's, for a relay whose certificate a
    /// private (bank-internal) CA issued. Default: none, only the system's trust store. The host name
    /// is checked either way.
    /// </summary>
    public string? TrustedCaPath { get; set; }

    /// <summary>
    /// Whether the relay's certificate chain is checked for revocation (CRL/OCSP). Default true; a private
    /// CA that publishes no revocation list needs false.
    /// </summary>
    public bool CheckCertificateRevocation { get; set; } = true;

    /// <summary>Login for SMTP AUTH. Default: none (the relay accepts this host without authentication).</summary>
    public string? Username { get; set; }

    /// <summary>Password for SMTP AUTH; required with <see cref="Username"/>. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>The sender, e.g. <c>Banca a Distancia &lt;no-reply@bank.example&gt;</c>. Required.</summary>
    public string? From { get; set; }

    /// <summary>Where a customer's reply goes, e.g. the support mailbox. Default: none.</summary>
    public string? ReplyTo { get; set; }

    /// <summary>
    /// The right-hand side of each Message-ID (<c>&lt;outbox-id@domain&gt;</c>). Default: the domain of
    /// <see cref="From"/>.
    /// </summary>
    public string? MessageIdDomain { get; set; }

    /// <summary>How long one SMTP command (connect, TLS, each command) may take before the attempt fails and is retried. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
