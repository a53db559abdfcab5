using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Recovery.AuthServer.IntegrationTests.Smtp;

/// <summary>
/// A private CA made for one test and a server certificate for 127.0.0.1/localhost that it signed,
/// written as PEM files into a temporary folder (deleted on dispose).
/// </summary>
/// <param name="serverName">The one DNS name of the server certificate instead of localhost and 127.0.0.1.</param>
internal sealed class TestCertificates : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("recovery-tls-").FullName;

    public TestCertificates(string? serverName = null)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Recovery Test Private CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=" + (serverName ?? "localhost"), serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (serverName is null)
        {
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
        }
        else
        {
            names.AddDnsName(serverName);
        }

        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var server = serverRequest.Create(ca, now.AddDays(-1), now.AddDays(29), RandomNumberGenerator.GetBytes(16));

        CaPath = Write("ca.pem", ca.ExportCertificatePem());
        CertPath = Write("server.pem", server.ExportCertificatePem());
        KeyPath = Write("server.key", serverKey.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>The CA certificate (what <c>Notifications:Smtp:TrustedCaPath</c> points at).</summary>
    public string CaPath { get; }

    public string CertPath { get; }

    public string KeyPath { get; }

    public (string CertPath, string KeyPath) Server => (CertPath, KeyPath);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Write(string name, string pem)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, pem);
        return path;
    }
}
