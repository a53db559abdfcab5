namespace Recovery.AuthServer.Notifications;

/// <summary>How the SMTP connection is protected (<c>Notifications:Smtp:Security</c>).</summary>
public enum SmtpSecurity
{
    /// <summary>No TLS at all: refused unless the relay is on a loopback address (a local development relay).</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS before anything is sent; a relay that does not offer it is refused.</summary>
    StartTls,

    /// <summary>TLS from the first byte (implicit TLS, "SMTPS", usually port 465).</summary>
    Tls,
}
