# The learned classifiers (fastText): loading and scoring only. Training,
# the dataset readers and the tuner are offline tools in src/training/.
# Included from src/moderation/CMakeLists.txt.
commentd_library(commentd_classifiers
  SRCS ${CMAKE_CURRENT_LIST_DIR}/fasttext_classifier.cc
  DEPS commentd_moderation
  PRIVATE_DEPS PkgConfig::FASTTEXT)

# The scorer is checked against fastText also on an unquantized model that
# the test trains, so the test (not the library) uses commentd_training.
commentd_test(fasttext_classifier_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/fasttext_classifier_test.cc
  DEPS commentd_classifiers commentd_training nlohmann_json::nlohmann_json)

# testdata/traps/*.txt through the Moderator with the shipped models.
commentd_test(traps_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/traps_test.cc
  DEPS commentd_classifiers)
