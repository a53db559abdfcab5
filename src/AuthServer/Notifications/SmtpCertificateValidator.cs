using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// Decides whether the relay's TLS certificate is trusted: the system's normal validation, plus, when
/// <see cref="SmtpOptions.TrustedCaPath"/> is set, chains that end at one of those CAs. There is
/// deliberately no "accept any certificate" switch: the messages carry codes a man in the middle
/// could use.
/// </summary>
internal sealed class SmtpCertificateValidator
{
    private readonly X509Certificate2Collection? privateRoots;
    private readonly bool checkRevocation;

    public SmtpCertificateValidator(SmtpOptions options)
    {
        checkRevocation = options.CheckCertificateRevocation;
        if (!string.IsNullOrWhiteSpace(options.TrustedCaPath))
        {
            privateRoots = [];
            privateRoots.ImportFromPemFile(options.TrustedCaPath);
        }
    }

    public bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // A wrong host name or no certificate is never forgiven, whatever CA issued it.
        if (certificate is null || privateRoots is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        // Only the chain failed the system's check: build it again with the private CAs as the only roots.
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(privateRoots);
        custom.ChainPolicy.RevocationMode = checkRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck;
        custom.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        if (chain is not null)
        {
            // Intermediates the server sent along.
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(leaf);
    }
}
