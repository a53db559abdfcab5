using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Recovery.AuthServer.Notifications;

/// <summary>Checks <c>Notifications:Smtp:*</c> at start, one message per problem, naming the key.</summary>
public sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add("Notifications:Smtp:Host is required for the SMTP sender.");
        }
        else if (options.Security == SmtpSecurity.None && !IsLoopback(options.Host))
        {
            // Codes and user codes travel in these messages: in clear only to a relay on this machine.
            failures.Add("Notifications:Smtp:Security is None, which is allowed only for a loopback relay (localhost, 127.0.0.1, ::1); use StartTls or Tls.");
        }

        if (string.IsNullOrWhiteSpace(options.From) || !MailboxAddress.TryParse(options.From, out var from) || !from.Address.Contains('@', StringComparison.Ordinal))
        {
            failures.Add("Notifications:Smtp:From is required and must be a mailbox, e.g. \"Banca a Distancia <no-reply@bank.example>\".");
        }

        if (!string.IsNullOrWhiteSpace(options.ReplyTo) && (!MailboxAddress.TryParse(options.ReplyTo, out var replyTo) || !replyTo.Address.Contains('@', StringComparison.Ordinal)))
        {
            failures.Add("Notifications:Smtp:ReplyTo must be a mailbox, e.g. \"Atención al cliente <ayuda@bank.example>\".");
        }

        if (!string.IsNullOrWhiteSpace(options.MessageIdDomain) && Uri.CheckHostName(options.MessageIdDomain) != UriHostNameType.Dns)
        {
            failures.Add("Notifications:Smtp:MessageIdDomain must be a domain name, e.g. bank.example.");
        }

        if (string.IsNullOrEmpty(options.Username) != string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Notifications:Smtp:Username and Notifications:Smtp:Password go together: set both or neither.");
        }

        if (!string.IsNullOrWhiteSpace(options.TrustedCaPath))
        {
            var problem = CheckCaFile(options.TrustedCaPath);
            if (problem is not null)
            {
                failures.Add(problem);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static string? CheckCaFile(string path)
    {
        if (!File.Exists(path))
        {
            return $"Notifications:Smtp:TrustedCaPath: no file at {path}.";
        }

        try
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(path);
            return certificates.Count == 0 ? $"Notifications:Smtp:TrustedCaPath: {path} holds no PEM certificate." : null;
        }
        catch (CryptographicException)
        {
            return $"Notifications:Smtp:TrustedCaPath: {path} is not a PEM certificate file.";
        }
    }
}
