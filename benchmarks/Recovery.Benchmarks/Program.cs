using BenchmarkDotNet.Running;

// Run all suites: dotnet run -c Release --project benchmarks/Recovery.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Recovery.Benchmarks.OtpVerifyBenchmarks).Assembly).Run(args);
