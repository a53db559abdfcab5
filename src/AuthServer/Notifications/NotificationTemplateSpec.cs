namespace Recovery.AuthServer.Notifications;

/// <summary>
/// One message template: its channel, the values a text of it may name and those it must name (what
/// the message exists to deliver, or what the customer must see to know what they sign). Every
/// template may also name <c>call_centre_phone</c>.
/// </summary>
public sealed record NotificationTemplateSpec(string Name, NotificationChannel Channel, IReadOnlyList<string> Values, IReadOnlyList<string> Required)
{
    /// <summary>The files of this template for one language: <c>.sms.liquid</c>, or the e-mail's subject, text and HTML.</summary>
    public IReadOnlyList<string> Parts => Channel == NotificationChannel.Sms ? [SmsPart] : [SubjectPart, TextPart, HtmlPart];

    public const string SmsPart = "sms";
    public const string SubjectPart = "subject";
    public const string TextPart = "txt";
    public const string HtmlPart = "html";

    public string FileName(string part) => $"{Name}.{part}.liquid";
}
