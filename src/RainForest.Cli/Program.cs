using RainForest.Cli;

return RfmApp.Run(args);
