using MimeKit;

namespace Recovery.AuthServer.IntegrationTests.Smtp;

/// <summary>One message as aiosmtpd accepted it: the envelope, how it came (the client's port tells connections apart) and the parsed message.</summary>
internal sealed record ReceivedMail(string MailFrom, IReadOnlyList<string> Recipients, int ClientPort, bool Tls, string? Login, MimeMessage Message)
{
    public string PlainText => Message.BodyParts.OfType<TextPart>().Single(p => p.IsPlain).Text;

    public string Html => Message.BodyParts.OfType<TextPart>().Single(p => p.IsHtml).Text;
}
