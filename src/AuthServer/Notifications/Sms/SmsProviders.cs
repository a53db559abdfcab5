namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>The configured SMS providers, in failover order.</summary>
public sealed class SmsProviders(IEnumerable<ISmsProvider> providers)
{
    public IReadOnlyList<ISmsProvider> All { get; } = providers.ToArray();

    public bool Any => All.Count > 0;

    public ISmsProvider? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}
