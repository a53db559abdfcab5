namespace Recovery.AuthServer.Notifications;

/// <summary>
/// Where the message texts are read from (<c>Notifications:Texts:Directory</c>): one folder per
/// language (<c>es-ES</c>, <c>en</c>) of Liquid files. Empty (default): the <c>Texts</c> folder shipped
/// beside the server.
/// </summary>
public sealed class NotificationTextsOptions
{
    public string? Directory { get; set; }

    public string ResolvedDirectory => string.IsNullOrWhiteSpace(Directory) ? Path.Combine(AppContext.BaseDirectory, "Texts") : Directory;
}
