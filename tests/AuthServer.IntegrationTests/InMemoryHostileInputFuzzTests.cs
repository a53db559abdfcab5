using Xunit.Abstractions;

namespace Recovery.AuthServer.IntegrationTests;

public sealed class InMemoryHostileInputFuzzTests(ITestOutputHelper output) : HostileInputFuzzTests(output, null, 6_000);
