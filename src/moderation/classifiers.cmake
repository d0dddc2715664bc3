# The learned classifiers (fastText) and the dataset readers that train and
# measure them. Included from src/moderation/CMakeLists.txt.
commentd_library(commentd_classifiers
  SRCS ${CMAKE_CURRENT_LIST_DIR}/fasttext_classifier.cc ${CMAKE_CURRENT_LIST_DIR}/datasets.cc
  DEPS commentd_moderation
  PRIVATE_DEPS PkgConfig::FASTTEXT)

commentd_test(datasets_test SRCS ${CMAKE_CURRENT_LIST_DIR}/datasets_test.cc DEPS commentd_classifiers)
commentd_test(fasttext_classifier_test
  SRCS ${CMAKE_CURRENT_LIST_DIR}/fasttext_classifier_test.cc
  DEPS commentd_classifiers nlohmann_json::nlohmann_json)

# train/eval end to end through the commentd binary (defined in src/cli,
# which only COMMENTD_SERVER builds).
if(COMMENTD_SERVER)
  commentd_test(train_eval_test SRCS ${PROJECT_SOURCE_DIR}/src/cli/train_eval_test.cc)
  add_dependencies(train_eval_test commentd)
endif()
