namespace Recovery.AuthServer.Common;

/// <summary>Customer-facing text in one locale (BCP 47, e.g. <c>es-ES</c>).</summary>
public sealed record LocalizedText(string Locale, string Text);
