namespace Recovery.AuthServer.Notifications;

/// <summary>
/// The development sink: every message appended as one JSON line to <see cref="Path"/>
/// (<c>Notifications:DevSink:Path</c>). Empty (default) turns it off. Refused outside Development.
/// </summary>
public sealed class DevSinkOptions
{
    public string? Path { get; set; }
}
