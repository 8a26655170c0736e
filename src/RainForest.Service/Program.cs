return RainForest.Service.ServeApp.Run(args);
