# The learned classifiers (fastText) and the dataset readers that train and
# measure them. Included from src/moderation/CMakeLists.txt.
commentd_library(commentd_classifiers
  SRCS ${CMAKE_CURRENT_LIST_DIR}/fasttext_classifier.cc ${CMAKE_CURRENT_LIST_DIR}/datasets.cc
  DEPS commentd_moderation
  PRIVATE_DEPS PkgConfig::FASTTEXT)

commentd_test(datasets_test SRCS ${CMAKE_CURRENT_LIST_DIR}/datasets_test.cc DEPS commentd_classifiers)
commentd_test(fasttext_classifier_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/fasttext_classifier_test.cc DEPS commentd_classifiers)
