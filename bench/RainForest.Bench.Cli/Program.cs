using RainForest.Bench.Cli;

return BenchApp.Run(args);
