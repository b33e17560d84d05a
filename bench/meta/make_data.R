# make_data.R - the synthetic 10,000-study data set for bench (c), written
# once with a fixed seed so evident and metafor read the very same numbers.
# usage: Rscript make_data.R OUT.csv
args <- commandArgs(TRUE)
set.seed(20261121)
k <- 10000
vi <- rchisq(k, df = 5) / 50 + 0.01            # sampling variances
yi <- rnorm(k, mean = 0.3, sd = sqrt(vi + 0.05)) # true tau^2 = 0.05
writeLines(c("study,yi,vi", sprintf("s%d,%.17g,%.17g", seq_len(k), yi, vi)), args[1])
