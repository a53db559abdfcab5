namespace Recovery.Client.CommandLine.Commands;

/// <summary>The <c>recover</c> options that shape the flow (card data is read when its step needs it).</summary>
internal sealed record RecoverSettings(
    string Language, string Captcha, string? NewPassword, DevSinkReader? Sink, TimeSpan SinkTimeout, bool ShowSecrets);
