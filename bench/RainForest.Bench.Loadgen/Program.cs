using RainForest.Bench.Loadgen;

return await LoadgenApp.RunAsync(args).ConfigureAwait(false);
