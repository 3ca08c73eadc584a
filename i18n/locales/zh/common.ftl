# 通用用语（各目录共用）。
lang-name = 中文
