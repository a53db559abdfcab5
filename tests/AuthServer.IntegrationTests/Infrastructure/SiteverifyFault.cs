namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>How <see cref="SiteverifyServer"/> misbehaves: after <paramref name="Delay"/>, HTTP <paramref name="Status"/> with <paramref name="Body"/>.</summary>
internal sealed record SiteverifyFault(int Status, string Body, TimeSpan Delay = default);
